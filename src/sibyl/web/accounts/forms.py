"""Forms of the accounts pages: the one-time code, and the administrator's user forms."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from sibyl.web.accounts.roles import Role
from sibyl.web.ui.contracts import contract_of


class TokenForm(forms.Form):
    otp_token = forms.CharField(
        label=_("One-time code"),
        min_length=6,
        max_length=8,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text=_("The six digits your authenticator app shows now."),
    )

    def clean_otp_token(self) -> str:
        value = self.cleaned_data["otp_token"].replace(" ", "")
        if not value.isdigit():
            raise ValidationError(_("The code is digits only."))
        return value


def organisation_choices(contract_id: str) -> list[str]:
    return [party.name for party in contract_of(contract_id).spec.parties.providers]


class ProfileFields(forms.Form):
    """Role, contract and organisation: shared by the new-user and the edit forms."""

    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    contract_id = forms.CharField(
        label=_("Contract"),
        initial="helsinki",
        max_length=64,
        help_text=_("The contract the user works in (e.g. helsinki)."),
    )
    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        required=False,
        help_text=_(
            "For a provider's worker, the provider's name exactly as in the contract: it decides "
            "which families they see."
        ),
    )

    def clean_contract_id(self) -> str:
        from sibyl.errors import SibylInputError

        value = self.cleaned_data["contract_id"].strip()
        try:
            contract_of(value)
        except SibylInputError:
            raise ValidationError(
                _("There is no contract %(name)s; give the name of a built-in contract."),
                params={"name": value},
            ) from None
        return value

    def clean(self):
        data = super().clean()
        if data.get("role") == Role.PROVIDER and data.get("contract_id"):
            names = organisation_choices(data["contract_id"])
            if data.get("organisation", "").strip() not in names:
                self.add_error(
                    "organisation",
                    ValidationError(
                        _(
                            "A provider's worker belongs to one of the contract's providers: "
                            "%(names)s."
                        ),
                        params={"names": ", ".join(names)},
                    ),
                )
        return data


class NewUserForm(ProfileFields):
    username = forms.CharField(label=_("User name"), max_length=150)
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password again"), widget=forms.PasswordInput, strip=False)

    field_order = ["username", "full_name", "email", "role", "contract_id", "organisation"]

    def clean_username(self) -> str:
        value = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username=value).exists():
            raise ValidationError(_("This user name is taken."))
        return value

    def clean(self):
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", ValidationError(_("The two passwords differ.")))
        elif first:
            user = get_user_model()(username=data.get("username", ""), email=data.get("email", ""))
            try:
                password_validation.validate_password(first, user)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


class EditUserForm(ProfileFields):
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    is_active = forms.BooleanField(
        label=_("Active"), required=False, help_text=_("An inactive user cannot sign in.")
    )


class NewTokenForm(forms.Form):
    name = forms.CharField(
        label=_("What uses the token"),
        max_length=100,
        help_text=_("e.g. the city's register system, or THL's extract job"),
    )
