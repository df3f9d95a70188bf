"""Rows of the cohort pages: the coordinator's dashboard, referrals, families, the activity log.

The world (``conftest.world``): ``referrer`` made R-1, R-2 and R-4, ``referrer2`` made R-3;
the ``sos`` family (R-1) is SOS-Lapsikylä's, the ``vamos`` family (R-3) is Diakonissalaitos
Vamos's; R-4 is eligible and waiting. A POST that the rule allows is sent with data the page
accepts (302) or, where storing it would change what the other users' requests find, data it
refuses with its message (400): both prove the door is open to that role and shut to the others.
"""

from matrix import EVERYONE, Row, allowed

POST_ONLY = [
    ("cohort:offer", lambda w: {}),
    ("cohort:referral_check", lambda w: {}),
    ("cohort:referral_override", lambda w: {"referral_id": "R-4"}),
    ("cohort:referral_enrol", lambda w: {"referral_id": "R-4"}),
    ("cohort:family_reveal", lambda w: {"pseudonym": w.sos}),
    ("cohort:family_exit", lambda w: {"pseudonym": w.sos}),
    ("cohort:family_return", lambda w: {"pseudonym": w.sos}),
    ("cohort:family_consent", lambda w: {"pseudonym": w.sos}),
]

ROWS = [
    Row("cohort:dashboard", allowed("coordinator")),
    Row("cohort:enrolment_chart", allowed("coordinator")),
    # Enrols R-4 from the waiting list on a day inside the enrolment window.
    Row(
        "cohort:offer",
        allowed("coordinator", status=302),
        method="POST",
        data=lambda w: {"on": "2022-03-01"},
    ),
    # Referrals: the coordinator's all, a referrer's own.
    Row("cohort:referrals", allowed("coordinator", "referrer")),
    Row("cohort:referral_new", allowed("coordinator", "referrer")),
    # An empty form: refused with its messages (400) for both roles that may send it.
    Row("cohort:referral_new", allowed("coordinator", "referrer", status=400), method="POST"),
    # The live screening answers 200 with what to correct, and stores nothing.
    Row("cohort:referral_check", allowed("coordinator", "referrer"), method="POST"),
    Row(
        "cohort:referral",
        allowed("coordinator", "referrer"),
        kwargs=lambda w: {"referral_id": "R-1"},
        label="own referral",
    ),
    Row(
        "cohort:referral",
        {"coordinator": 200, "referrer": 404},
        kwargs=lambda w: {"referral_id": "R-3"},
        label="another referrer's",
    ),
    Row(
        "cohort:referral",
        {"coordinator": 404, "referrer": 404},
        kwargs=lambda w: {"referral_id": "R-404"},
        label="unknown",
    ),
    Row(
        "cohort:referral_override",
        allowed("coordinator", status=302),
        method="POST",
        kwargs=lambda w: {"referral_id": "R-2"},
        data=lambda w: {"eligible": "yes", "reason": "two difficulties after all"},
    ),
    Row(
        "cohort:referral_enrol",
        allowed("coordinator", status=302),
        method="POST",
        kwargs=lambda w: {"referral_id": "R-4"},
        data=lambda w: {"on": "2022-02-01", "provider": "SOS-Lapsikylä"},
    ),
    # Families: the coordinator's all, a provider's own organisation's.
    Row("cohort:families", allowed("coordinator", "provider")),
    Row(
        "cohort:family",
        allowed("coordinator", "provider"),
        kwargs=lambda w: {"pseudonym": w.sos},
        label="own family",
    ),
    Row(
        "cohort:family",
        {"coordinator": 200, "provider": 404},
        kwargs=lambda w: {"pseudonym": w.vamos},
        label="another provider's",
    ),
    # R-2's child was referred but never enrolled: not a family of anybody.
    Row(
        "cohort:family",
        {"coordinator": 404, "provider": 404},
        kwargs=lambda w: {"pseudonym": w.not_eligible},
        label="not enrolled",
    ),
    Row(
        "cohort:family_reveal",
        allowed("coordinator"),
        method="POST",
        kwargs=lambda w: {"pseudonym": w.sos},
        data=lambda w: {"reason": "permission matrix"},
    ),
    Row(
        "cohort:family_exit",
        allowed("coordinator", status=302),
        method="POST",
        kwargs=lambda w: {"pseudonym": w.sos},
        data=lambda w: {"on": "2023-05-01", "reason": "moved_out"},
    ),
    # The family is in follow-up, so the store refuses a return (400, with its message).
    Row(
        "cohort:family_return",
        allowed("coordinator", status=400),
        method="POST",
        kwargs=lambda w: {"pseudonym": w.sos},
        data=lambda w: {"on": "2023-05-01"},
    ),
    Row(
        "cohort:family_consent",
        allowed("coordinator", status=302),
        method="POST",
        kwargs=lambda w: {"pseudonym": w.vamos},
        data=lambda w: {"on": "2023-05-01"},
    ),
    # The activity log: the provider, for their own families only.
    Row(
        "cohort:activity_new",
        allowed("provider"),
        kwargs=lambda w: {"pseudonym": w.sos},
        label="own family",
    ),
    Row(
        "cohort:activity_new",
        {"provider": 404},
        kwargs=lambda w: {"pseudonym": w.vamos},
        label="another provider's",
    ),
    Row(
        "cohort:activity_new",
        allowed("provider", status=302),
        method="POST",
        kwargs=lambda w: {"pseudonym": w.sos},
        data=lambda w: {
            "on": "2022-03-01",
            "component": "family_group",
            "minutes": "90",
            "participants": ["child", "mother"],
        },
        label="own family",
    ),
    Row(
        "cohort:activity_new",
        {"provider": 404},
        method="POST",
        kwargs=lambda w: {"pseudonym": w.vamos},
        data=lambda w: {
            "on": "2022-03-01",
            "component": "family_group",
            "minutes": "90",
            "participants": ["child"],
        },
        label="another provider's",
    ),
    # The POST-only pages answer GET with 405, whoever asks.
    *(
        Row(name, allowed(*EVERYONE, status=405), kwargs=kwargs, anonymous=405)
        for name, kwargs in POST_ONLY
    ),
]
