"""Pages of the cohort area: the dashboard, referrals, families and the providers' log.

``referrals/new/`` and ``referrals/check/`` come before ``referrals/<referral_id>/``; the
referral form refuses the ids ``new`` and ``check``.
"""

from django.urls import path

from sibyl.web.cohort import views

app_name = "cohort"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("charts/enrolment.svg", views.enrolment_chart, name="enrolment_chart"),
    path("cohort/offer/", views.offer, name="offer"),
    path("referrals/", views.referrals, name="referrals"),
    path("referrals/new/", views.referral_new, name="referral_new"),
    path("referrals/check/", views.referral_check, name="referral_check"),
    path("referrals/<str:referral_id>/", views.referral, name="referral"),
    path(
        "referrals/<str:referral_id>/override/",
        views.referral_override,
        name="referral_override",
    ),
    path("referrals/<str:referral_id>/enrol/", views.referral_enrol, name="referral_enrol"),
    path("families/", views.families, name="families"),
    path("families/<str:pseudonym>/", views.family, name="family"),
    path("families/<str:pseudonym>/reveal/", views.family_reveal, name="family_reveal"),
    path("families/<str:pseudonym>/exit/", views.family_exit, name="family_exit"),
    path("families/<str:pseudonym>/return/", views.family_return, name="family_return"),
    path("families/<str:pseudonym>/consent/", views.family_consent, name="family_consent"),
    path("families/<str:pseudonym>/activity/", views.activity_new, name="activity_new"),
]
