from django.urls import path

from sibyl.web.accounts import views

app_name = "accounts"
urlpatterns = [
    path("accounts/login/", views.login, name="login"),
    path("accounts/logout/", views.logout, name="logout"),
    path("accounts/verify/", views.verify, name="verify"),
    path("accounts/setup/", views.setup, name="setup"),
    path("accounts/password/", views.password, name="password"),
    path("users/", views.users, name="users"),
    path("users/new/", views.user_new, name="user_new"),
    path("users/<int:pk>/", views.user, name="user"),
    path("users/<int:pk>/reset-codes/", views.user_reset_totp, name="user_reset_totp"),
    path("users/<int:pk>/tokens/", views.user_token, name="user_token"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
