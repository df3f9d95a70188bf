"""Forms of the cohort pages: the referral, the coordinator's decisions and the activity log.

**The identity code.** The referral form is the only form of these pages that takes an identity
code. Its field never renders a value back (:class:`CodeInput`), and every message about it shows
the code masked (``180518A****``).

**The contract's questions.** The referral form asks the contract's own referral items (a box
each, labelled with the contract's question in the page's language), grouped by the criterion
that first names them (the criterion's question as the group's legend; items no criterion names
come last), and offers the referral sources the contract accepts, and ``other``.

**No ongoing heavy corrective service.** The store keeps register rows only of the cohort (data
minimisation), so a referral cannot be checked against the register when it is made. The form
asks the referrer instead: a box for each service of the contract's ``no_ongoing_services``
criteria (Helsinki: 1–8) the referrer knows to be ongoing for the child, none ticked when they
know of none. The screening decides from those boxes; when the register later shows an episode
that was ongoing on the referral date, the referral page tells the coordinator, whose override
(with its written reason) corrects the decision.
"""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from sibyl import identity
from sibyl.contract import Contract
from sibyl.eligibility import Referral, items_of, screened_services
from sibyl.register.reader import displayable, temporary_codes_allowed
from sibyl.web.cohort import labels
from sibyl.web.cohort.models import Referral as ReferralRow
from sibyl.web.store.enrolment import COMPONENTS
from sibyl.web.ui.contracts import localised

RESERVED_IDS = frozenset({"new", "check"})  # path segments of /referrals/
REFERRAL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")

CODE_REASONS = {
    "the check character does not match": _("the check character does not match"),
    "not an identity code of the form DDMMYY, century sign, 3 digits, check character": _(
        "it is not of the form DDMMYY, century sign, 3 digits, check character"
    ),
    "the individual number must be 002 or more": _("the individual number must be 002 or more"),
    "the birth date in the code is not a real date": _(
        "the birth date in the code is not a real date"
    ),
}


def shown(day: date) -> str:
    """A date in a message, in the page's language."""
    return formats.date_format(day, "SHORT_DATE_FORMAT")


class NoCodes:
    """A widget mixin: a value shown back (a form with errors) is masked if it holds anything
    like an identity code (a code typed into the wrong box never reaches the page)."""

    def format_value(self, value):
        value = super().format_value(value)
        return displayable(value) if isinstance(value, str) else value


class TextInput(NoCodes, forms.TextInput):
    pass


class NumberInput(NoCodes, forms.NumberInput):
    pass


class Textarea(NoCodes, forms.Textarea):
    pass


MASKED_WIDGETS: dict[type, type] = {
    forms.TextInput: TextInput,
    forms.NumberInput: NumberInput,
    forms.Textarea: Textarea,
}


class DateInput(NoCodes, forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def date_field(label, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label,
        widget=DateInput(),
        error_messages={"invalid": _("Enter a date of the calendar (day, month and year).")},
        **kwargs,
    )


class CohortForm(forms.Form):
    """The forms of the cohort pages: text boxes mask what they show back, and a refused choice
    is never echoed in its message (Django's default message repeats the value)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = _(
                    "Choose one of the choices offered; the value sent is not one of them."
                )
            masked = MASKED_WIDGETS.get(type(field.widget))
            if masked is not None:  # the same widget (its attributes kept), masking its value
                field.widget.__class__ = masked


class CodeInput(forms.TextInput):
    """A text box that never renders its value: a page never shows an identity code back."""

    def __init__(self, attrs=None):
        base = {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "characters"}
        super().__init__({**base, **(attrs or {})})

    def format_value(self, value):
        return None


class ReferralForm(CohortForm):
    """A referral of one child (DESIGN.md 3 "Referrals"), screened by the store on the way in."""

    referral_id = forms.CharField(
        label=_("Referral id"),
        max_length=64,
        help_text=_("The referral's own number, e.g. R-104 (never the identity code)."),
    )
    hetu = forms.CharField(
        label=_("The child's identity code"),
        max_length=20,
        widget=CodeInput(),
        help_text=_(
            "Sealed in the identity vault at once; pages show the family by pseudonym only. "
            "This box is emptied whenever the form is shown again."
        ),
    )
    referred_on = date_field(_("Referral date"))
    district = forms.CharField(
        label=_("District where the family lives"),
        max_length=100,
        widget=forms.TextInput(attrs={"list": "districts"}),
    )
    source = forms.ChoiceField(
        label=_("Referred by"), choices=list(labels.SOURCES.items()), widget=forms.RadioSelect
    )
    ongoing_services = forms.TypedMultipleChoiceField(
        label=_("Corrective services you know to be ongoing for the child"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Tick each service the child is a client of on the referral date, as far as you "
            "know; none if you know of none. The coordinator checks the register later and may "
            "correct the decision."
        ),
    )

    def __init__(self, *args, contract: Contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.contract = contract
        self.today = timezone.localdate()
        accepted = [*contract.spec.referral_sources.items, "other"]
        self.fields["source"].choices = [
            (code, labels.SOURCES[code]) for code in labels.SOURCES if code in accepted
        ]
        # The contract's questions, after the referral's own fields and before the services (an
        # item's code is never the name of a referral's own field: the contract model says so).
        ongoing = self.fields.pop("ongoing_services")
        for item in items_of(contract):
            self.fields[item.code] = forms.BooleanField(
                required=False, label=localised(item.question)
            )
        self.fields["ongoing_services"] = ongoing
        ongoing.choices = [
            (code, f"{code} {localised(contract.services[code].name)}")
            for code in sorted(screened_services(contract))
        ]
        self.districts = list(contract.spec.districts.items)

    def item_groups(self) -> list[tuple[str, list]]:
        """The item boxes as the form shows them: ``(legend, bound fields)`` per criterion that
        names items (its question as the legend; an item in the first criterion naming it),
        then the items no criterion names, under a legend of their own."""
        placed: set[str] = set()
        groups: list[tuple[str, list]] = []
        codes = [item.code for item in items_of(self.contract)]
        for criterion in self.contract.spec.eligibility.criteria:
            mine = [code for code in criterion.items if code in codes and code not in placed]
            if mine:
                placed.update(mine)
                groups.append((localised(criterion.question), [self[code] for code in mine]))
        rest = [code for code in codes if code not in placed]
        if rest:
            groups.append((str(_("Other questions of the referral")), [self[c] for c in rest]))
        return groups

    def answers(self) -> dict[str, bool]:
        """The contract's items as the form answers them (a box not ticked, or not yet valid:
        no)."""
        data = getattr(self, "cleaned_data", {})
        return {item.code: bool(data.get(item.code)) for item in items_of(self.contract)}

    def clean_referral_id(self) -> str:
        value = self.cleaned_data["referral_id"].strip()
        if displayable(value) != value:
            raise ValidationError(
                _(
                    "The referral id looks like an identity code; use the referral's own "
                    "number, since decisions must not carry identity codes."
                )
            )
        if not REFERRAL_ID.match(value) or value.casefold() in RESERVED_IDS:
            raise ValidationError(
                _(
                    "The referral id may hold only letters, digits, dots, dashes and "
                    "underscores, and may not be “new” or “check”; give e.g. R-104."
                )
            )
        if ReferralRow.objects.filter(contract_id=self.contract.id, referral_id=value).exists():
            raise ValidationError(
                _(
                    "The referral id %(id)s is already used in this contract; give every "
                    "referral its own id."
                ),
                params={"id": value},
            )
        return value

    def clean_hetu(self) -> str:
        text = self.cleaned_data["hetu"].strip()
        allow_temporary = temporary_codes_allowed(self.contract, self.today)
        try:
            return identity.validate(text, allow_temporary=allow_temporary)
        except identity.TemporaryIdentityCode:
            raise ValidationError(
                _(
                    "The identity code %(code)s is a temporary code (individual number "
                    "900–999), which this contract does not accept; give the child's "
                    "permanent identity code."
                ),
                params={"code": identity.mask(text)},
            ) from None
        except identity.InvalidIdentityCode as exc:
            raise ValidationError(
                _("The identity code %(code)s is not valid: %(why)s; check it and type it again."),
                params={
                    "code": identity.mask(text),
                    "why": CODE_REASONS.get(str(exc), _("it is not a valid identity code")),
                },
            ) from None

    def clean_referred_on(self) -> date:
        day = self.cleaned_data["referred_on"]
        if day > self.today:
            raise ValidationError(
                _("The referral date %(day)s is in the future; give the day of the referral."),
                params={"day": shown(day)},
            )
        start, end = self.contract.enrolment_start, self.contract.enrolment_end
        if not start <= day <= end:
            raise ValidationError(
                _(
                    "The referral date %(day)s is outside the contract's enrolment window "
                    "(%(start)s to %(end)s); referrals are taken only inside the window."
                ),
                params={"day": shown(day), "start": shown(start), "end": shown(end)},
            )
        return day

    def clean_district(self) -> str:
        value = " ".join(self.cleaned_data["district"].split())
        if displayable(value) != value:
            raise ValidationError(
                _("The district looks like it contains an identity code; write the district only.")
            )
        return value

    def referral(self) -> Referral:
        """The referral the valid form describes."""
        data = self.cleaned_data
        return Referral(
            referral_id=data["referral_id"],
            hetu=data["hetu"],
            referred_on=data["referred_on"],
            district=data["district"],
            referral_source=data["source"],
            answers=self.answers(),
            ongoing_services=frozenset(data["ongoing_services"]),
        )


class ReferralFilter(CohortForm):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("all")), *labels.STATUSES.items()],
    )


class OverrideForm(CohortForm):
    eligible = forms.TypedChoiceField(
        label=_("New decision"),
        choices=[("yes", _("eligible")), ("no", _("not eligible"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("Required: why the decision is replaced. It is kept with the decision."),
        error_messages={
            "required": _("Give the reason for the override: it is kept with the decision.")
        },
    )


class EnrolForm(CohortForm):
    on = date_field(_("Enrolment date"))
    provider = forms.ChoiceField(label=_("Provider"))

    def __init__(self, *args, contract: Contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [
            (party.name, party.name) for party in contract.spec.parties.providers
        ]


class OfferForm(CohortForm):
    on = date_field(_("Offer the free places on"))


class DayForm(CohortForm):
    """The day a page shows (the dashboard: the cohort as it was on that day)."""

    on = date_field(_("On"), required=False)


class RevealForm(CohortForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        help_text=_("Required: why you need the identity. The look is written to the audit log."),
        error_messages={
            "required": _("Give the reason to reveal the identity: it is kept in the audit log.")
        },
    )


class ExitForm(CohortForm):
    on = date_field(
        _("Exit date"), help_text=_("The first day the family is no longer in follow-up.")
    )
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[
            (code, text)
            for code, text in labels.EXIT_REASONS.items()
            if code != "consent_withdrawn"
        ],
    )


class ReturnForm(CohortForm):
    on = date_field(_("Return date"), help_text=_("A new follow-up spell starts that day."))


class ConsentForm(CohortForm):
    on = date_field(_("Consent withdrawn on"), help_text=_("Follow-up ends that day (an exit)."))


class FamilyFilter(CohortForm):
    q = forms.CharField(label=_("Pseudonym starts with"), required=False, max_length=64, strip=True)
    provider = forms.ChoiceField(label=_("Provider"), required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("all")), *labels.FAMILY_STATUSES.items()],
    )

    def __init__(self, *args, contract: Contract, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"].choices = [("", _("all"))] + [
            (party.name, party.name) for party in contract.spec.parties.providers
        ]


class ActivityForm(CohortForm):
    """One contact with a family (never an identity code: who took part is given by role)."""

    on = date_field(_("Date of the contact"))
    component = forms.ChoiceField(
        label=_("Service component"),
        choices=[(code, labels.COMPONENTS[code]) for code in COMPONENTS],
    )
    minutes = forms.IntegerField(
        label=_("Minutes"),
        min_value=1,
        max_value=24 * 60,
        error_messages={
            "min_value": _("Give the duration in whole minutes, at least 1."),
            "max_value": _("A contact lasts at most a day (1440 minutes); split a longer one."),
            "invalid": _("Give the duration in whole minutes, e.g. 45."),
        },
    )
    participants = forms.MultipleChoiceField(
        label=_("Who took part"),
        choices=list(labels.PARTICIPANTS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Tick at least one who took part.")},
    )

    def clean_on(self) -> date:
        day = self.cleaned_data["on"]
        if day > timezone.localdate():
            raise ValidationError(
                _("The date %(day)s is in the future; record a contact after it took place."),
                params={"day": shown(day)},
            )
        return day

    def participant_text(self) -> str:
        """Who took part, in the stored form (``child, mother``)."""
        chosen = set(self.cleaned_data["participants"])
        return ", ".join(code for code in labels.PARTICIPANTS if code in chosen)
