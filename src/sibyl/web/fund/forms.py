"""Forms of the fund pages: the position's date, one flow, a cash-flow file and a simulation.

The flow's amount is taken as text and judged by the store (``store.fund.add_flow``), so that
the page refuses exactly what ``sibyl fund add`` refuses, in the same words.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from sibyl.finance.cashflows import KINDS
from sibyl.web.fund.simulation import MAX_RUNS, MAX_SEED, MIN_RUNS

KIND_NAMES = {
    "contribution": _("contribution"),
    "provider_payment": _("provider payment"),
    "fee": _("fee"),
    "outcome_payment": _("outcome payment"),
    "distribution": _("distribution"),
}
"""The kinds of flow (``sibyl.finance.cashflows.KINDS``) in the reader's language."""

assert set(KIND_NAMES) == set(KINDS)

MAX_YEAR = 9998  # the headroom looks at 30 June of the following year, which must exist
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PositionForm(forms.Form):
    """The day of the position on the ledger page (GET)."""

    on = forms.DateField(
        label=_("Position on"),
        required=False,
        widget=DATE_WIDGET,
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages={
            "invalid": _("The date of the position is not a date; write it as YYYY-MM-DD.")
        },
    )

    def clean_on(self):
        day = self.cleaned_data["on"]
        if day is not None and day.year > MAX_YEAR:
            raise forms.ValidationError(
                _("The date of the position is too far ahead; give a day before the year %(year)s.")
                % {"year": MAX_YEAR + 1}
            )
        return day


class FlowForm(forms.Form):
    on = forms.DateField(
        label=_("Date"),
        widget=DATE_WIDGET,
        input_formats=["%Y-%m-%d", "%d.%m.%Y"],
        error_messages={
            "required": _("Give the date of the flow."),
            "invalid": _("The date is not a date; write it as YYYY-MM-DD."),
        },
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=list(KIND_NAMES.items()),
        error_messages={"required": _("Choose the kind of flow.")},
    )
    amount = forms.CharField(
        label=_("Amount (EUR)"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "placeholder": "250000.00"}),
        help_text=_(
            "Euros and cents. Contributions and distributions may be written without a sign: "
            "the ledger keeps them in the investors' view (contributions negative)."
        ),
        error_messages={"required": _("Give the amount in euros, e.g. 250000.00.")},
    )
    investor = forms.CharField(
        label=_("Investor"),
        max_length=150,
        required=False,
        help_text=_("Only for contributions and distributions."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Cash-flow file"),
        help_text=_(
            "CSV or .xlsx with the columns date and amount, and optionally kind and investor "
            "(the format of sibyl fund import). All rows are stored, or none."
        ),
        error_messages={
            "required": _("Choose a cash-flow file to import."),
            "empty": _("The file is empty; export the cash flows again with their header line."),
        },
    )


class SimulationForm(forms.Form):
    """The Monte Carlo's parameters (GET: a bookmarkable query that changes nothing)."""

    scenario = forms.ChoiceField(label=_("Scenario"))
    runs = forms.IntegerField(
        label=_("Runs"),
        initial=10_000,
        min_value=MIN_RUNS,
        max_value=MAX_RUNS,
        widget=forms.NumberInput(attrs={"step": 1000}),
        help_text=_("Between 1,000 and 20,000; 10,000 runs take a second or two."),
        error_messages={
            "required": _("Give the number of runs, between 1,000 and 20,000."),
            "invalid": _("The number of runs is not a whole number; give 1,000 to 20,000."),
            "min_value": _("Too few runs: give at least 1,000 so that the percentiles hold."),
            "max_value": _("Too many runs: give at most 20,000 (the page would be slow)."),
        },
    )
    seed = forms.IntegerField(
        label=_("Seed"),
        required=False,
        min_value=0,
        max_value=MAX_SEED,
        help_text=_("The same seed gives the same figures. Empty: the scenario's own seed."),
        error_messages={
            "invalid": _("The seed is not a whole number; give one from 0 to 4294967295."),
            "min_value": _("The seed is negative; give one from 0 to 4294967295."),
            "max_value": _("The seed is too large; give one from 0 to 4294967295."),
        },
    )
    effect_size = forms.DecimalField(
        label=_("Effect size"),
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(1),
        max_digits=5,
        decimal_places=3,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
        help_text=_(
            "How much the intervention lowers the use of each service, as a fraction (0.40 is "
            "40 %). Empty: the scenario's. Each run still draws its own effect around this value "
            "with the scenario's uncertainty."
        ),
        error_messages={
            "invalid": _("The effect size is not a number; give a fraction from 0 to 1."),
            "min_value": _("The effect size is below 0; give a fraction from 0 to 1."),
            "max_value": _("The effect size is above 1; give a fraction from 0 to 1."),
            "max_decimal_places": _("Give the effect size with at most three decimals."),
            "max_digits": _("Give the effect size with at most three decimals."),
        },
    )
    base = forms.DecimalField(
        label=_("Base payment per child-year (EUR)"),
        required=False,
        min_value=Decimal("0.01"),
        max_value=Decimal("100000.00"),
        max_digits=8,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01"}),
        help_text=_(
            "The full outcome payment for a child-year without use of the services. Empty: the "
            "contract's (illustrative) figure."
        ),
        error_messages={
            "invalid": _("The base payment is not an amount; give euros, e.g. 4000.00."),
            "min_value": _("The base payment must be above zero; give euros, e.g. 4000.00."),
            "max_value": _("The base payment is above EUR 100,000.00; give a smaller amount."),
            "max_decimal_places": _("Give the base payment in whole cents."),
            "max_digits": _("The base payment is above EUR 100,000.00; give a smaller amount."),
        },
    )

    def __init__(self, *args, scenarios: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["scenario"]
        field.choices = [(name, name) for name in scenarios]
        field.initial = scenarios[0] if scenarios else None
        field.error_messages = {
            "required": _("Choose a scenario."),
            "invalid_choice": _("There is no such scenario for this contract; choose one listed."),
        }
