"""The upload form of a register extract: the file, its as-of date and the services it covers."""

from __future__ import annotations

from pathlib import Path

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from sibyl.contract import Contract
from sibyl.web.ui.contracts import localised

SUFFIXES = (".csv", ".xlsx")


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Register extract"),
        help_text=_(
            "A CSV file (comma or semicolon separated) or an Excel workbook (.xlsx) with the "
            "columns hetu (or pseudonym), service, start, end and optionally days."
        ),
        error_messages={
            "required": _("Choose the extract file to upload."),
            "empty": _("The file is empty; export the extract again and upload the new file."),
        },
    )
    as_of = forms.DateField(
        label=_("As-of date"),
        help_text=_("The day the register was read: ongoing periods run to it, none past it."),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Give the extract's as-of date."),
            "invalid": _("The as-of date is not a date; write it as YYYY-MM-DD."),
        },
    )
    services = forms.TypedMultipleChoiceField(
        label=_("Services the extract covers"),
        help_text=_(
            "For each service, the newest extract covering it is used; older ones stay stored."
        ),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": _("Choose at least one service the extract covers."),
        },
    )

    def __init__(self, *args, contract: Contract, **kwargs):
        super().__init__(*args, **kwargs)
        codes = sorted(contract.services)
        self.fields["services"].choices = [
            (code, f"{code} {localised(contract.services[code].name)}") for code in codes
        ]
        self.fields["services"].initial = codes

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = Path(upload.name or "").name
        if Path(name).suffix.lower() not in SUFFIXES:
            raise forms.ValidationError(
                gettext(
                    "The file %(name)s is neither a CSV file (.csv) nor an Excel workbook "
                    "(.xlsx); save the extract in one of these formats and upload it again."
                )
                % {"name": name or "?"}
            )
        return upload
