"""The cohort pages: the coordinator's dashboard, referrals, families and the providers' log.

Who sees what (DOMAIN.md 4), on top of each view's access rule:

- the coordinator sees everything of their contract, and reveals an identity only with a reason
  (audited, shown once, never cached);
- a referrer sees the referrals they made (``scopes.referrals``), never a family page;
- a provider sees the families assigned to their organisation (``scopes.families``) and their
  activity log, never register data, referrals or statements: those parts of the family page
  are neither queried nor rendered for them.

Every change goes through an operation of ``sibyl.web.store.enrolment`` or
``sibyl.web.store.cohort`` (one transaction with its audit entry). A user's mistake re-renders
the page with the store's or the form's one-sentence message and status 400.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Exists, Max, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from sibyl import identity
from sibyl.contract import Contract
from sibyl.eligibility import Referral, items_of, parameter_on, screened_services
from sibyl.errors import SibylInputError
from sibyl.register.reader import displayable
from sibyl.reports.charts import enrolment_chart as draw_enrolment_chart
from sibyl.web.accounts import scopes
from sibyl.web.accounts.access import allow
from sibyl.web.accounts.roles import Role
from sibyl.web.cohort import evidence, labels
from sibyl.web.cohort.forms import (
    ActivityForm,
    ConsentForm,
    DayForm,
    EnrolForm,
    ExitForm,
    FamilyFilter,
    OfferForm,
    OverrideForm,
    ReferralFilter,
    ReferralForm,
    ReturnForm,
    RevealForm,
    shown,
)
from sibyl.web.cohort.models import Child, Enrolment, FollowupSpell
from sibyl.web.cohort.models import Referral as ReferralRow
from sibyl.web.imports.models import ServiceEpisode
from sibyl.web.statements.models import Adjustment, ChildYearLine, DeductionLine, Statement
from sibyl.web.store import aggregates, cohort, enrolment
from sibyl.web.store.imports import effective_imports
from sibyl.web.ui.charts import chart_view, svg_response
from sibyl.web.ui.contracts import contract_of, localised

PAGE_SIZE = 50
WAITING_SHOWN = 10

PROVIDER_SEES = "families assigned to their organisation; no register data, no statements"


def _contract(request: HttpRequest) -> Contract:
    return contract_of(request.profile.contract_id)


def _actor(request: HttpRequest) -> str:
    return request.user.get_username()


def _is_coordinator(request: HttpRequest) -> bool:
    return request.profile.role == Role.COORDINATOR


def _reverse_or_none(name: str, **kwargs) -> str | None:
    """A link to a page another area builds; ``None`` while that page does not exist."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


def _code_in_query(request: HttpRequest) -> HttpResponse | None:
    """A search or a day with something like an identity code in the address: not used, and
    the page is shown again without it (the layout repeats the address in its language
    switch), with a message saying why."""
    if all(displayable(value) == value for value in request.GET.values()):
        return None
    messages.error(
        request,
        _(
            "The address held something like an identity code, so it was not used; search "
            "families by pseudonym only."
        ),
    )
    return redirect(request.path)


def _criteria(rows: list[dict], contract: Contract) -> list[dict]:
    """Stored or previewed criteria with their names and evidence in the page's language."""
    return [
        {
            "code": row["code"],
            "label": labels.criterion(contract, str(row["code"])),
            "met": row["met"],
            "evidence": evidence.in_language(str(row["code"]), str(row["evidence"]), contract),
        }
        for row in rows
    ]


# ---------------------------------------------------------------------------------------------
# The coordinator's dashboard, the enrolment chart and the offer of free places.


def _day(request: HttpRequest) -> tuple[date, DayForm]:
    """The day the dashboard shows (``?on=``), today when not given or not a date."""
    form = DayForm(request.GET or None)
    if form.is_bound and form.is_valid() and form.cleaned_data["on"]:
        return form.cleaned_data["on"], form
    return timezone.localdate(), form


def _dashboard(
    request: HttpRequest,
    on: date,
    day_form: DayForm,
    offer_form: OfferForm | None = None,
    status: int = 200,
) -> HttpResponse:
    contract = _contract(request)
    figures = enrolment.cohort_status(contract, on)
    waiting = enrolment.waiting_list(contract.id, on)[:WAITING_SHOWN]
    latest = aggregates.statements_by_year(contract.id)
    statement = latest[-1] if latest else None
    capacity_used = (
        min(100, round(100 * figures.in_followup / figures.capacity)) if figures.capacity else 100
    )
    points = aggregates.enrolment_series(contract, on)
    context = {
        "on": on,
        "today": timezone.localdate(),
        "day_form": day_form,
        "figures": figures,
        "free": max(0, figures.capacity - figures.in_followup),
        "capacity_used": capacity_used,
        "exits": [(labels.label(labels.EXIT_REASONS, k), n) for k, n in figures.exited.items()],
        "exits_total": sum(figures.exited.values()),
        "refused": [(labels.criterion(contract, k), n) for k, n in figures.not_eligible.items()],
        "waiting": waiting,
        "no_contact": figures.no_contact,
        "statement": statement,
        "statement_url": statement and _reverse_or_none("statements:detail", year=statement.year),
        "offer_form": offer_form or OfferForm(initial={"on": on}),
        "chart_url": reverse("cohort:enrolment_chart") + "?" + urlencode({"on": on.isoformat()}),
        "points": points,
        "window_start": contract.enrolment_start,
        "window_end": contract.enrolment_end,
        "window_closed": not contract.enrolment_start <= on <= contract.enrolment_end,
    }
    return render(request, "cohort/dashboard.html", context, status=status)


@allow(Role.COORDINATOR)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The coordinator's main page: the cohort on a day (today unless ``?on=`` says)."""
    if refused := _code_in_query(request):
        return refused
    on, day_form = _day(request)
    return _dashboard(request, on, day_form, status=400 if day_form.errors else 200)


@allow(Role.COORDINATOR)
@chart_view
def enrolment_chart(request: HttpRequest) -> HttpResponse:
    """Families enrolled (cumulative) and in follow-up by month, against the capacity."""
    contract = _contract(request)
    on, _form = _day(request)
    svg = draw_enrolment_chart(
        aggregates.enrolment_series(contract, on),
        parameter_on(contract, "capacity", on),
        labels={
            "title": _("Enrolment over time"),
            "enrolled": _("enrolled (cumulative)"),
            "in_followup": _("in follow-up"),
            "capacity": _("capacity"),
            "families": _("families"),
        },
    )
    return svg_response(svg)


@allow(Role.COORDINATOR, methods=("POST",))
def offer(request: HttpRequest) -> HttpResponse:
    """Enrol from the waiting list, in referral order, while places are free on the day."""
    contract = _contract(request)
    form = OfferForm(request.POST)
    day_form = DayForm()
    if not form.is_valid():
        return _dashboard(request, timezone.localdate(), day_form, form, status=400)
    on = form.cleaned_data["on"]
    try:
        enrolled = enrolment.offer_places(contract, on, actor=_actor(request))
    except SibylInputError as exc:
        form.add_error(None, exc.message)
        return _dashboard(request, on, day_form, form, status=400)
    if enrolled:
        names = ", ".join(f"{e.referral.referral_id} ({e.provider})" for e in enrolled)
        messages.success(
            request,
            _("Enrolled from the waiting list on %(day)s: %(names)s.")
            % {"day": shown(on), "names": names},
        )
    else:
        messages.info(
            request,
            _("Nobody was enrolled on %(day)s: no free place, or nobody waiting.")
            % {"day": shown(on)},
        )
    return redirect(reverse("cohort:dashboard") + "?" + urlencode({"on": on.isoformat()}))


# ---------------------------------------------------------------------------------------------
# Referrals.


@dataclass
class ReferralLine:
    row: ReferralRow
    eligible: bool
    overridden: bool
    status: str

    @property
    def status_label(self) -> str:
        return labels.label(labels.STATUSES, self.status)

    @property
    def source_label(self) -> str:
        return labels.label(labels.SOURCES, self.row.source)


def _referral_lines(rows, enrolled_children: set[int]) -> list[ReferralLine]:
    lines = []
    for row in rows:
        overrides = list(row.overrides.all())
        latest = max(overrides, key=lambda o: (o.at, o.id), default=None)
        eligible = row.eligible if latest is None else latest.eligible
        if row.child_id in enrolled_children:
            status = "enrolled"
        elif eligible:
            status = "waiting"
        else:
            status = "not_eligible"
        lines.append(ReferralLine(row, eligible, latest is not None, status))
    return lines


@allow(
    Role.COORDINATOR,
    Role.REFERRER,
    only={Role.REFERRER: "their own referrals"},
)
def referrals(request: HttpRequest) -> HttpResponse:
    """The referrals with their decision (after overrides) and status; a referrer's own."""
    if refused := _code_in_query(request):
        return refused
    rows = (
        scopes.referrals(request.profile)
        .select_related("child")
        .prefetch_related("overrides")
        .order_by("-referred_on", "-id")
    )
    enrolled = set(
        Enrolment.objects.filter(child__contract_id=request.profile.contract_id).values_list(
            "child_id", flat=True
        )
    )
    lines = _referral_lines(rows, enrolled)
    counts = {code: sum(line.status == code for line in lines) for code in labels.STATUSES}
    filters = ReferralFilter(request.GET or None)
    wanted = filters.cleaned_data["status"] if filters.is_valid() else ""
    if wanted:
        lines = [line for line in lines if line.status == wanted]
    page = Paginator(lines, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cohort/referrals.html",
        {
            "page": page,
            "filters": filters,
            "counts": [(labels.STATUSES[code], counts[code]) for code in labels.STATUSES],
            "total": sum(counts.values()),
            "is_coordinator": _is_coordinator(request),
            "query": urlencode({"status": wanted}) if wanted else "",
        },
    )


NEEDS: dict[str, tuple[str, ...]] = {
    "age_between": ("hetu", "referred_on"),
    "district_in": ("district",),
    "referral_source_in": ("source",),
    "no_ongoing_services": ("ongoing_services",),
    "in_enrolment_window": ("referred_on",),
}
"""The form's values a criterion of each rule kind needs (the item rules need only the ticked
boxes)."""


def _needs(contract: Contract) -> dict[str, tuple[str, ...]]:
    """The form's values each criterion of the contract needs, by criterion code."""
    return {
        criterion.code: NEEDS.get(criterion.rule, ())
        for criterion in contract.spec.eligibility.criteria
    }


PLACEHOLDER_CODE = identity.make(date(2000, 1, 1), 2)
"""Stands in for a missing identity code when the other criteria are screened (the age it gives
is never shown: the age criterion is left out without a valid code)."""


def _screening(contract: Contract, form: ReferralForm) -> dict:
    """The live result of the referral form: the decision when the values the criteria need are
    valid; otherwise the criteria the valid values already decide (and, when one of them fails,
    that the referral is not eligible). Never stores anything; never shows the code."""
    form.is_valid()
    data = form.cleaned_data
    needs = _needs(contract)
    missing = {name for names in needs.values() for name in names if name not in data}
    referral = Referral(
        referral_id=data.get("referral_id", "preview"),
        hetu=data.get("hetu", PLACEHOLDER_CODE),
        referred_on=data.get("referred_on", timezone.localdate()),
        district=data.get("district", ""),
        referral_source=data.get("source", "other"),
        answers=form.answers(),
        ongoing_services=frozenset(data.get("ongoing_services", ())),
    )
    result = enrolment.preview(contract, referral)
    shown_criteria = [
        row for row in result.criteria if not set(needs.get(str(row["code"]), ())) & missing
    ]
    pending = [labels.criterion(contract, code) for code in needs if set(needs[code]) & missing]
    failed = [row for row in shown_criteria if not row["met"]]
    errors = [
        (form.fields[name].label if name in form.fields else "", error)
        for name, field_errors in form.errors.items()
        for error in field_errors
    ]
    return {
        "complete": not missing,
        "eligible": not missing and result.eligible,
        "not_eligible": bool(failed),
        "criteria": _criteria(shown_criteria, contract),
        "pending": pending,
        "errors": errors,
    }


def _ages(contract: Contract) -> dict[str, int] | None:
    """The ages the contract's age criterion accepts today (``low`` to ``high``, both inclusive)
    for the form's lead, or ``None`` when it has none."""
    if not any(c.rule == "age_between" for c in contract.spec.eligibility.criteria):
        return None
    today = timezone.localdate()
    low = parameter_on(contract, "min_age_years", today)
    return {"low": low, "high": parameter_on(contract, "max_age_years", today) - 1}


def _referral_form_page(
    request: HttpRequest, form: ReferralForm, screening: dict | None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "cohort/referral_new.html",
        {
            "form": form,
            "screening": screening,
            "item_groups": form.item_groups(),
            "ages": _ages(form.contract),
        },
        status=status,
    )


@allow(Role.COORDINATOR, Role.REFERRER, methods=("GET", "POST"))
def referral_new(request: HttpRequest) -> HttpResponse:
    """The referral form: screened and stored by ``enrolment.refer`` (the code sealed in the
    vault there); the result is shown at once on the referral's page."""
    contract = _contract(request)
    if request.method == "GET":
        today = timezone.localdate()
        initial = (
            {"referred_on": today}
            if contract.enrolment_start <= today <= contract.enrolment_end
            else {}
        )
        return _referral_form_page(request, ReferralForm(contract=contract, initial=initial), None)
    form = ReferralForm(request.POST, contract=contract)
    if not form.is_valid():
        return _referral_form_page(request, form, _screening(contract, form), status=400)
    try:
        row = enrolment.refer(contract, form.referral(), actor=_actor(request))
    except SibylInputError as exc:
        form.add_error(None, exc.message)
        return _referral_form_page(request, form, None, status=400)
    if row.eligible:
        messages.success(
            request,
            _("The referral %(id)s was stored: the family is eligible.") % {"id": row.referral_id},
        )
    else:
        messages.warning(
            request,
            _("The referral %(id)s was stored: the family is not eligible.")
            % {"id": row.referral_id},
        )
    return redirect("cohort:referral", referral_id=row.referral_id)


@allow(Role.COORDINATOR, Role.REFERRER, methods=("POST",))
def referral_check(request: HttpRequest) -> HttpResponse:
    """Screen the referral form's values without storing anything (htmx, as the form is filled).

    Answers 200 with the result fragment even when values are missing or wrong (htmx swaps only
    successful answers): the fragment lists what to correct, each in one sentence, the identity
    code masked and never echoed.
    """
    contract = _contract(request)
    form = ReferralForm(request.POST, contract=contract)
    return render(request, "cohort/_screening.html", {"screening": _screening(contract, form)})


def _ongoing_in_register(contract: Contract, row: ReferralRow) -> list[dict]:
    """Corrective-service episodes the register (the extracts in use) shows ongoing on the
    referral date: what the referrer could not know, for the coordinator's override."""
    in_use = {service: imp.id for service, imp in effective_imports(contract.id).items()}
    services = screened_services(contract)
    found = []
    for episode in ServiceEpisode.objects.filter(
        child=row.child, service__in=services, start__lte=row.referred_on
    ).order_by("service", "start"):
        if in_use.get(episode.service) != episode.register_import_id:
            continue
        if episode.end is None or episode.end >= row.referred_on:
            found.append(
                {
                    "service": episode.service,
                    "name": localised(contract.services[episode.service].name),
                    "start": episode.start,
                    "end": episode.end,
                }
            )
    return found


def _answers(contract: Contract, row: ReferralRow) -> list[tuple[str, bool | None]]:
    """The referral's answers, by the contract's questions in the page's language: the
    contract's items in its order (``None``: not asked when the referral was made), then any
    stored answer to an item the contract no longer has, by its code."""
    stored = dict(row.answers or {})
    shown: list[tuple[str, bool | None]] = [
        (labels.item(contract, item.code), stored.pop(item.code, None))
        for item in items_of(contract)
    ]
    return shown + [(code, bool(value)) for code, value in stored.items()]


def _referral_page(
    request: HttpRequest,
    row: ReferralRow,
    *,
    override_form: OverrideForm | None = None,
    enrol_form: EnrolForm | None = None,
    status: int = 200,
) -> HttpResponse:
    contract = _contract(request)
    coordinator = _is_coordinator(request)
    overrides = list(row.overrides.order_by("at", "id"))
    eligible = overrides[-1].eligible if overrides else row.eligible
    enrolled = Enrolment.objects.filter(child=row.child).select_related("referral").first()
    context = {
        "referral": row,
        "criteria": _criteria(row.criteria, contract),
        "overrides": overrides,
        "eligible": eligible,
        "enrolment": enrolled,
        "is_coordinator": coordinator,
        "source": labels.label(labels.SOURCES, row.source),
        "answers": _answers(contract, row),
        "ongoing": [
            f"{code} {localised(contract.services[code].name)}"
            for code in row.ongoing_services
            if code in contract.services
        ],
    }
    if coordinator:
        today = timezone.localdate()
        start = max(row.referred_on, contract.enrolment_start)
        default_day = today if start <= today <= contract.enrolment_end else None
        context.update(
            {
                "override_form": override_form or OverrideForm(),
                "enrol_form": enrol_form
                or EnrolForm(contract=contract, initial={"on": default_day}),
                "register_ongoing": _ongoing_in_register(contract, row),
                "family_url": reverse("cohort:family", kwargs={"pseudonym": row.child.pseudonym})
                if enrolled
                else None,
            }
        )
    return render(request, "cohort/referral.html", context, status=status)


def _scoped_referral(request: HttpRequest, referral_id: str) -> ReferralRow:
    return get_object_or_404(
        scopes.referrals(request.profile).select_related("child"), referral_id=referral_id
    )


@allow(
    Role.COORDINATOR,
    Role.REFERRER,
    only={Role.REFERRER: "their own referrals, without the coordinator's forms"},
)
def referral(request: HttpRequest, referral_id: str) -> HttpResponse:
    """A referral's screening, its overrides and its enrolment."""
    return _referral_page(request, _scoped_referral(request, referral_id))


@allow(Role.COORDINATOR, methods=("POST",))
def referral_override(request: HttpRequest, referral_id: str) -> HttpResponse:
    """Replace the decision, with a written reason (``enrolment.override``, kept and audited)."""
    row = _scoped_referral(request, referral_id)
    form = OverrideForm(request.POST)
    if form.is_valid():
        try:
            enrolment.override(
                row.contract_id,
                row.referral_id,
                form.cleaned_data["eligible"],
                form.cleaned_data["reason"],
                actor=_actor(request),
            )
        except SibylInputError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("The decision on %(id)s was replaced: %(decision)s.")
                % {
                    "id": row.referral_id,
                    "decision": _("eligible")
                    if form.cleaned_data["eligible"]
                    else _("not eligible"),
                },
            )
            return redirect("cohort:referral", referral_id=row.referral_id)
    return _referral_page(request, row, override_form=form, status=400)


@allow(Role.COORDINATOR, methods=("POST",))
def referral_enrol(request: HttpRequest, referral_id: str) -> HttpResponse:
    """Enrol the referral's family (``enrolment.enrol``); a refusal is shown as the store says."""
    contract = _contract(request)
    row = _scoped_referral(request, referral_id)
    form = EnrolForm(request.POST, contract=contract)
    if form.is_valid():
        try:
            made = enrolment.enrol(
                contract,
                row.referral_id,
                form.cleaned_data["on"],
                form.cleaned_data["provider"],
                actor=_actor(request),
            )
        except SibylInputError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(
                request,
                _("%(id)s was enrolled on %(day)s with %(provider)s.")
                % {
                    "id": row.referral_id,
                    "day": shown(made.enrolled_on),
                    "provider": made.provider,
                },
            )
            return redirect("cohort:referral", referral_id=row.referral_id)
    return _referral_page(request, row, enrol_form=form, status=400)


# ---------------------------------------------------------------------------------------------
# Families.


@dataclass
class FamilyLine:
    child: Child
    last_contact: date | None

    @property
    def spells(self) -> list[FollowupSpell]:
        return sorted(self.child.spells.all(), key=lambda spell: spell.enrolled_on)

    @property
    def current(self) -> FollowupSpell | None:
        spells = self.spells
        return spells[-1] if spells else None

    @property
    def exit_reason(self) -> str:
        spell = self.current
        return labels.label(labels.EXIT_REASONS, spell.exit_reason) if spell else ""


@allow(Role.COORDINATOR, Role.PROVIDER, only={Role.PROVIDER: PROVIDER_SEES})
def families(request: HttpRequest) -> HttpResponse:
    """Enrolled families: all of the contract, or those assigned to the provider."""
    if refused := _code_in_query(request):
        return refused
    contract = _contract(request)
    coordinator = _is_coordinator(request)
    rows = (
        scopes.families(request.profile)
        .select_related("enrolment")
        .prefetch_related("spells")
        .annotate(
            last_contact=Max("activities__on"),
            open_spell=Exists(
                FollowupSpell.objects.filter(child=OuterRef("pk"), exited_on__isnull=True)
            ),
        )
        .order_by("pseudonym")
    )
    filters = FamilyFilter(request.GET or None, contract=contract)
    query = {}
    if filters.is_valid():
        wanted = filters.cleaned_data
        if wanted["q"]:
            rows = rows.filter(pseudonym__startswith=wanted["q"])
        if wanted["provider"] and coordinator:
            rows = rows.filter(enrolment__provider=wanted["provider"])
        if wanted["status"] == "in_followup":
            rows = rows.filter(open_spell=True)
        elif wanted["status"] == "exited":
            rows = rows.filter(open_spell=False)
        query = {k: v for k, v in wanted.items() if v}
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "cohort/families.html",
        {
            "page": page,
            "lines": [FamilyLine(child, child.last_contact) for child in page],
            "filters": filters,
            "is_coordinator": coordinator,
            "query": urlencode(query),
        },
        status=200 if not filters.errors else 400,
    )


def _scoped_family(request: HttpRequest, pseudonym: str) -> Child:
    return get_object_or_404(
        scopes.families(request.profile).select_related("enrolment", "enrolment__referral"),
        pseudonym=pseudonym,
    )


def _statement_years(request: HttpRequest, child: Child, contract: Contract) -> list[dict]:
    """Per year (approved statement, else the draft): the child's line, its deductions by
    service and any adjustments of earlier years, with a link to the explanation."""
    statements = scopes.statements(request.profile)
    years = sorted(set(statements.values_list("year", flat=True)))
    found = []
    for year in years:
        rows = statements.filter(year=year)
        statement = (
            rows.filter(status=Statement.APPROVED).first()
            or rows.filter(status=Statement.DRAFT).first()
        )
        if statement is None:
            continue
        line = ChildYearLine.objects.filter(statement=statement, child=child).first()
        deductions = [
            {
                "service": d.service,
                "name": localised(contract.services[d.service].name)
                if d.service in contract.services
                else "",
                "units": d.units,
                "unit_price": d.unit_price,
                "amount": d.amount,
            }
            for d in DeductionLine.objects.filter(statement=statement, child=child)
        ]
        adjustments = list(Adjustment.objects.filter(statement=statement, child=child))
        if line is None and not adjustments:
            continue
        found.append(
            {
                "statement": statement,
                "line": line,
                "deductions": deductions,
                "adjustments": adjustments,
                "explain_url": line
                and _reverse_or_none("statements:child", year=year, pseudonym=child.pseudonym),
            }
        )
    return found


def _episodes(request: HttpRequest, child: Child, contract: Contract) -> list[dict]:
    """The child's register episodes in the extracts in use (those the statements settle)."""
    in_use = {service: imp.id for service, imp in effective_imports(contract.id).items()}
    rows = (
        ServiceEpisode.objects.filter(
            child=child, register_import__in=scopes.register_imports(request.profile)
        )
        .select_related("register_import")
        .order_by("service", "start", "id")
    )
    return [
        {
            "service": episode.service,
            "name": localised(contract.services[episode.service].name)
            if episode.service in contract.services
            else "",
            "start": episode.start,
            "end": episode.end,
            "days": episode.days,
            "extract": episode.register_import,
        }
        for episode in rows
        if in_use.get(episode.service) == episode.register_import_id
    ]


def _family_page(
    request: HttpRequest,
    child: Child,
    *,
    forms: dict | None = None,
    status: int = 200,
) -> HttpResponse:
    contract = _contract(request)
    coordinator = _is_coordinator(request)
    today = timezone.localdate()
    spells = list(child.spells.order_by("enrolled_on"))
    open_spell = next((s for s in spells if s.exited_on is None), None)
    consents = list(child.consents.order_by("given_on", "id"))
    consent_in_force = any(c.withdrawn_on is None for c in consents)
    summary = enrolment.activity_summary(contract.id, child.pseudonym)
    context = {
        "child": child,
        "enrolment": child.enrolment,
        "spells": [
            {
                "spell": spell,
                "reason": labels.label(labels.EXIT_REASONS, spell.exit_reason)
                if spell.exited_on
                else "",
                "days": (
                    (spell.exited_on or min(today, contract.followup_end)) - spell.enrolled_on
                ).days,
            }
            for spell in spells
        ],
        "in_followup": open_spell is not None,
        "consents": consents,
        "consent_in_force": consent_in_force,
        "months": [
            {
                "month": row.month,
                "contacts": row.contacts,
                "minutes": row.minutes,
                "by_component": [row.by_component[code] for code in enrolment.COMPONENTS],
            }
            for row in reversed(summary)
        ],
        "components": [labels.COMPONENTS[code] for code in enrolment.COMPONENTS],
        "totals": {
            "contacts": sum(row.contacts for row in summary),
            "minutes": sum(row.minutes for row in summary),
            "by_component": [
                sum(row.by_component[code] for row in summary) for code in enrolment.COMPONENTS
            ],
        },
        "recent": [
            {
                "activity": activity,
                "component": labels.label(labels.COMPONENTS, activity.component),
                "participants": labels.participants(activity.participants),
            }
            for activity in child.activities.order_by("-on", "-id")[:20]
        ],
        "is_coordinator": coordinator,
        "is_provider": request.profile.role == Role.PROVIDER,
    }
    if coordinator:
        forms = forms or {}
        years = _statement_years(request, child, contract)
        context.update(
            {
                "referrals": list(
                    scopes.referrals(request.profile).filter(child=child).order_by("referred_on")
                ),
                "years": years,
                "deductions": [
                    {**item, "year": year["statement"].year}
                    for year in years
                    for item in year["deductions"]
                ],
                "adjustments": [
                    {"statement_year": year["statement"].year, "row": row}
                    for year in years
                    for row in year["adjustments"]
                ],
                "episodes": _episodes(request, child, contract),
                "reveal_form": forms.get("reveal") or RevealForm(),
                "exit_form": forms.get("exit") or ExitForm(),
                "return_form": forms.get("return") or ReturnForm(),
                "consent_form": forms.get("consent") or ConsentForm(),
            }
        )
    return render(request, "cohort/family.html", context, status=status)


@allow(Role.COORDINATOR, Role.PROVIDER, only={Role.PROVIDER: PROVIDER_SEES})
def family(request: HttpRequest, pseudonym: str) -> HttpResponse:
    """The family page: follow-up, consent, provider and activity; for the coordinator also the
    referrals, the statement lines, the register episodes and the actions."""
    return _family_page(request, _scoped_family(request, pseudonym))


@allow(Role.COORDINATOR, methods=("POST",))
@never_cache
def family_reveal(request: HttpRequest, pseudonym: str) -> HttpResponse:
    """Show the identity code once, with a reason (``cohort.reveal`` writes the audit entry).

    The code is in this response only: never in a URL, never in a message or a session, and the
    response is not cached (``Cache-Control: no-store``).
    """
    child = _scoped_family(request, pseudonym)
    form = RevealForm(request.POST)
    if form.is_valid():
        try:
            code = cohort.reveal(
                child.contract_id,
                child.pseudonym,
                actor=_actor(request),
                reason=form.cleaned_data["reason"],
            )
        except SibylInputError as exc:
            form.add_error(None, exc.message)
        else:
            return render(
                request,
                "cohort/revealed.html",
                {"child": child, "code": code, "reason": form.cleaned_data["reason"]},
            )
    return _family_page(request, child, forms={"reveal": form}, status=400)


def _family_change(request: HttpRequest, pseudonym: str, name: str, form_class, change, done):
    """A coordinator's change of a family through a store operation (PRG, or the page again
    with the message and status 400)."""
    child = _scoped_family(request, pseudonym)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            change(child, form.cleaned_data)
        except SibylInputError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, done(form.cleaned_data))
            return redirect("cohort:family", pseudonym=child.pseudonym)
    return _family_page(request, child, forms={name: form}, status=400)


@allow(Role.COORDINATOR, methods=("POST",))
def family_exit(request: HttpRequest, pseudonym: str) -> HttpResponse:
    """Close the family's follow-up spell (``enrolment.exit_child``)."""
    return _family_change(
        request,
        pseudonym,
        "exit",
        ExitForm,
        lambda child, data: enrolment.exit_child(
            child.contract_id, child.pseudonym, data["on"], data["reason"], actor=_actor(request)
        ),
        lambda data: (
            _("The exit on %(day)s (%(reason)s) was recorded.")
            % {
                "day": shown(data["on"]),
                "reason": labels.label(labels.EXIT_REASONS, data["reason"]),
            }
        ),
    )


@allow(Role.COORDINATOR, methods=("POST",))
def family_return(request: HttpRequest, pseudonym: str) -> HttpResponse:
    """A new follow-up spell from the return date (``enrolment.return_child``)."""
    return _family_change(
        request,
        pseudonym,
        "return",
        ReturnForm,
        lambda child, data: enrolment.return_child(
            _contract(request), child.pseudonym, data["on"], actor=_actor(request)
        ),
        lambda data: (
            _("The return on %(day)s was recorded: a new follow-up spell starts.")
            % {"day": shown(data["on"])}
        ),
    )


@allow(Role.COORDINATOR, methods=("POST",))
def family_consent(request: HttpRequest, pseudonym: str) -> HttpResponse:
    """The withdrawal of consent: follow-up ends that day (``enrolment.withdraw_consent``)."""
    return _family_change(
        request,
        pseudonym,
        "consent",
        ConsentForm,
        lambda child, data: enrolment.withdraw_consent(
            child.contract_id, child.pseudonym, data["on"], actor=_actor(request)
        ),
        lambda data: (
            _("The withdrawal of consent on %(day)s was recorded; follow-up ended.")
            % {"day": shown(data["on"])}
        ),
    )


@allow(
    Role.PROVIDER,
    methods=("GET", "POST"),
    only={Role.PROVIDER: "families assigned to their organisation"},
)
def activity_new(request: HttpRequest, pseudonym: str) -> HttpResponse:
    """The provider's activity log: one contact with one of their families
    (``enrolment.record_activity``: the checks of an activity file, and the audit entry)."""
    contract = _contract(request)
    child = _scoped_family(request, pseudonym)
    form = ActivityForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST":
        if form.is_valid():
            try:
                enrolment.record_activity(
                    contract,
                    child.pseudonym,
                    form.cleaned_data["on"],
                    form.cleaned_data["component"],
                    form.cleaned_data["minutes"],
                    form.participant_text(),
                    provider=request.profile.organisation,
                    actor=_actor(request),
                )
            except SibylInputError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("The contact on %(day)s was recorded.")
                    % {"day": shown(form.cleaned_data["on"])},
                )
                return redirect("cohort:family", pseudonym=child.pseudonym)
        status = 400
    else:
        status = 200
    return render(
        request, "cohort/activity_new.html", {"child": child, "form": form}, status=status
    )
