"""The coordinator's form to settle a year as a draft statement."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class CreateStatementForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"),
        help_text=_(
            "Settled from the store as a draft: the cohort's follow-up, the extracts in use and "
            "the newest price list. A draft of the same year is replaced; an approved year is not."
        ),
        error_messages={
            "required": _("Give the year to settle, e.g. 2025."),
            "invalid": _("The year is not a whole number; give it as four digits, e.g. 2025."),
        },
    )
