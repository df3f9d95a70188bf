"""The two editions of the annual report, as a document of sections, tables, facts and charts.

:func:`build` turns the figures (:class:`~sibyl.reports.model.ReportData`) into a
:class:`Document` in one language, for one edition:

* ``city``: every figure, and a pseudonymised child-level annex (the statement's child-years by
  pseudonym, with their deduction lines). For the city and the fund manager only.
* ``public``: for the investors and anyone else. Every count from 1 to 4 is hidden, and so is
  every figure from which one could be worked out (:mod:`sibyl.reports.suppression`: each table
  passes through it once, with its totals); euro amounts of a hidden group are hidden with it.
  A year with fewer than 5 children in follow-up shows no figure at all. No annex.

Cells carry their formatted text; a hidden cell carries ``..`` and no value, so that a hidden
figure never reaches a renderer, a file or a template. Both renderers
(:mod:`sibyl.reports.render`) only lay the document out: the numbers are formatted once, here.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from sibyl.errors import SibylInputError
from sibyl.reports import charts, numbers
from sibyl.reports.model import BANDS, COMPONENTS, EXIT_REASONS, Band, Payments, ReportData
from sibyl.reports.suppression import (
    FREE,
    Network,
    Part,
    Suppression,
    is_small,
    line,
    shared,
    suppress,
    tree,
)
from sibyl.reports.texts import translator

EDITIONS = ("city", "public")
HIDDEN = ".."
"""What a hidden figure shows (Statistics Finland's sign for a figure kept confidential)."""


# ---------------------------------------------------------------------------------------------
# The document.


@dataclass
class Cell:
    text: str
    value: object = None  # the figure (None when hidden or for text)
    kind: str = "text"  # text, count, money, number, percent, date
    hidden: bool = False
    level: int = 0  # indentation of a row label (a part of the row above)

    @property
    def numeric(self) -> bool:
        return self.kind in ("count", "money", "number", "percent")


@dataclass
class Table:
    caption: str
    head: list[str]
    rows: list[list[Cell]]
    foot: list[list[Cell]] = field(default_factory=list)
    note: str = ""
    key: str = ""
    widths: list[int] = field(default_factory=list)  # relative column widths
    in_pdf: bool = True  # long tables of a chart's numbers are for the HTML only
    type: str = "table"

    @property
    def numeric(self) -> list[bool]:
        sample = self.rows[0] if self.rows else (self.foot[0] if self.foot else [])
        found = [cell.numeric for cell in sample]
        for row in self.rows + self.foot:
            for i, cell in enumerate(row):
                if i < len(found) and cell.numeric:
                    found[i] = True
        return found or [False] * len(self.head)


@dataclass
class Facts:
    items: list[tuple[str, Cell]]
    caption: str = ""
    type: str = "facts"


@dataclass
class Chart:
    key: str
    svg: bytes
    alt: str
    caption: str
    table: Table | None = None
    type: str = "chart"


@dataclass
class Paragraph:
    text: str
    type: str = "paragraph"


@dataclass
class Steps:
    items: list[str]
    caption: str = ""
    type: str = "steps"


@dataclass
class Section:
    key: str
    title: str
    blocks: list


@dataclass
class Document:
    edition: str
    language: str
    title: str
    subtitle: str
    edition_name: str
    year: int
    draft: bool
    draft_mark: str
    written_on: str
    notes: list[str]
    sections: list[Section]
    hidden: int  # how many figures the suppression hid
    hidden_note: str
    contents_title: str

    def tables(self) -> Iterable[Table]:
        for section in self.sections:
            for block in section.blocks:
                if isinstance(block, Table):
                    yield block
                elif isinstance(block, Chart) and block.table is not None:
                    yield block.table

    def cells(self) -> Iterable[Cell]:
        for table in self.tables():
            for row in table.rows + table.foot:
                yield from row
        for section in self.sections:
            for block in section.blocks:
                if isinstance(block, Facts):
                    for _, cell in block.items:
                        yield cell


# ---------------------------------------------------------------------------------------------
# Building an edition.


def build(data: ReportData, edition: str, language: str) -> Document:
    """The document of one edition in one language (``fi`` or ``en``)."""
    if edition not in EDITIONS:
        raise SibylInputError(
            f"the edition {edition!r} is not known",
            None,
            "use city (with the pseudonymised annex) or public (small counts suppressed)",
        )
    if language not in numbers.LANGUAGES:
        raise SibylInputError(f"the report is not written in {language!r}", None, "use fi or en")
    if edition == "public" and is_small(data.payments.children):
        raise SibylInputError(
            f"the public edition of {data.year} cannot be written: only "
            f"{data.payments.children} children were in follow-up, fewer than 5, so every "
            "figure would reveal a small group",
            None,
            "write the city's edition, or wait for a year with at least 5 children",
        )
    return _Builder(data, edition, language).document()


def code_ranges(codes: Iterable[int]) -> str:
    """Service codes as ranges: 1, 2, 3, 5, 7, 8 → ``1–3, 5, 7–8``."""
    ordered = sorted(set(codes))
    parts: list[str] = []
    start = previous = None
    for code in [*ordered, None]:
        if previous is not None and code == previous + 1:
            previous = code
            continue
        if start is not None:
            parts.append(str(start) if start == previous else f"{start}–{previous}")
        start = previous = code
    return ", ".join(parts)


def round5(value: int) -> int:
    """A count rounded to the nearest 5 (3 → 5, 2 → 0): the public chart of the cohort month by
    month, whose month-to-month changes would otherwise show groups of fewer than 5."""
    return 5 * ((int(value) + 2) // 5)


def _cents(value: Decimal) -> int:
    return int((value * 100).to_integral_value(rounding=ROUND_HALF_UP))


def band_suppression(bands: Sequence[Band]) -> Suppression:
    """The public pattern of the payments per child: children (and their payments) in each
    band, under "with a deduction" and under all children (whose payments, the statement's
    computed total, are always published)."""
    by_band = {b.band: b for b in bands}
    with_parts = [b for b in BANDS if b != "full"]
    counts = tree(
        Network(),
        Part(
            "all",
            sum(b.children for b in by_band.values()),
            (
                Part("full", by_band["full"].children),
                Part(
                    "with",
                    sum(by_band[b].children for b in with_parts),
                    tuple(Part(b, by_band[b].children) for b in with_parts),
                ),
            ),
        ),
    )
    amounts = tree(
        Network(),
        Part(
            "all",
            _cents(sum((b.payments for b in by_band.values()), Decimal(0))),
            (
                Part("full", _cents(by_band["full"].payments)),
                Part(
                    "with",
                    _cents(sum((by_band[b].payments for b in with_parts), Decimal(0))),
                    tuple(Part(b, _cents(by_band[b].payments)) for b in with_parts),
                ),
            ),
            fixed=True,
        ),
        count=False,
    )
    return shared([counts, amounts])


@dataclass(frozen=True)
class KeyFigures:
    """One year's figures for a page (the investors' page): values, or ``None`` where the
    public edition hides them."""

    year: int
    children: int | None
    with_deduction: int | None
    no_deduction_share: Decimal | None
    base: Decimal | None
    deductions: Decimal | None
    payable: Decimal | None
    adjustments: Decimal | None
    invoice: Decimal | None

    @property
    def published(self) -> bool:
        return self.children is not None


def key_figures(year: int, payments: Payments, *, public: bool) -> KeyFigures:
    """A year's key figures as the edition shows them: in the public edition nothing of a year
    with fewer than 5 children, and the children with or without a deduction only where the
    payments table shows them."""
    if public and is_small(payments.children):
        return KeyFigures(year, None, None, None, None, None, None, None, None)
    hidden = band_suppression(payments.bands).hidden if public else frozenset()
    full = next(b for b in payments.bands if b.band == "full")
    with_children = sum(b.children for b in payments.bands if b.band != "full")
    return KeyFigures(
        year=year,
        children=payments.children,
        with_deduction=None if "with" in hidden else with_children,
        no_deduction_share=None
        if "full" in hidden or not payments.children
        else Decimal(full.children) / Decimal(payments.children),
        base=payments.base,
        deductions=payments.deductions,
        payable=payments.payable,
        adjustments=payments.adjustments,
        invoice=payments.invoice,
    )


class _Builder:
    def __init__(self, data: ReportData, edition: str, language: str):
        self.data = data
        self.edition = edition
        self.language = language
        self.public = edition == "public"
        self.tr = translator(language)
        self.hidden_count = 0
        # Years whose statement has fewer than 5 children: nothing of them is published.
        self.small_years = (
            {y.year for y in data.payments.history if is_small(y.children)}
            if self.public
            else set()
        )
        self.service_hidden = self._suppress_services()

    # -- cells -------------------------------------------------------------------------------

    def _hidden(self, kind: str, level: int = 0) -> Cell:
        self.hidden_count += 1
        return Cell(HIDDEN, None, kind, True, level)

    def count(self, value: int, hidden: bool = False, level: int = 0) -> Cell:
        if hidden:
            return self._hidden("count", level)
        return Cell(numbers.count(value, self.language), int(value), "count", level=level)

    def money(self, value: Decimal | None, hidden: bool = False) -> Cell:
        if hidden:
            return self._hidden("money")
        if value is None:
            return Cell("–", None, "money")
        return Cell(numbers.money(value, self.language), value, "money")

    def number(self, value: Decimal | None, places: int = 2, hidden: bool = False) -> Cell:
        if hidden:
            return self._hidden("number")
        if value is None:
            return Cell("–", None, "number")
        return Cell(numbers.decimal(value, self.language, places), value, "number")

    def percent(self, value, hidden: bool = False, places: int = 1) -> Cell:
        if hidden:
            return self._hidden("percent")
        if value is None:
            return Cell("–", None, "percent")
        return Cell(numbers.percent(value, self.language, places), value, "percent")

    def text(self, value: str, level: int = 0) -> Cell:
        return Cell(value, None, "text", level=level)

    def code(self, value: str) -> Cell:
        """A fingerprint or a pseudonym: set in a monospaced font."""
        return Cell(value, None, "code")

    def day(self, value) -> str:
        return numbers.day(value, self.language)

    def day_month(self, value: date) -> str:
        return numbers.day_month(value, self.language)

    def _value(self, value: object) -> str:
        """A mechanism's value in the report's language: money, a rate, a day, a count; text is
        shown as written."""
        if isinstance(value, Decimal):
            return numbers.money(value, self.language)
        if isinstance(value, Fraction):
            percent = Decimal(value.numerator) / Decimal(value.denominator)
            places = 0 if (percent * 100) == (percent * 100).to_integral_value() else 2
            return numbers.percent(percent, self.language, places)
        if isinstance(value, date):
            return self.day(value)
        if isinstance(value, int):
            return numbers.count(value, self.language)
        return str(value)

    def _values(self, values: dict) -> dict:
        return {name: self._value(value) for name, value in values.items()}

    def _fact(self, value: object) -> Cell:
        """A mechanism's fact: money, or a word (translated), or another value."""
        if isinstance(value, Decimal):
            return self.money(value)
        if isinstance(value, str):
            return self.text(self.tr(value))
        return self.text(self._value(value))

    def service_name(self, code: int) -> str:
        names = self.data.service_names.get(code, {})
        return f"{code}. {names.get(self.language) or names.get('en') or code}"

    # -- the document -------------------------------------------------------------------------

    def document(self) -> Document:
        tr, data = self.tr, self.data
        sections = [
            self.summary(),
            self.cohort(),
            self.services(),
            self.payments(),
            self.exante(),
            self.fund(),
            self.activity(),
            self.methods(),
        ]
        if not self.public:
            sections.append(self.annex())
        for section in sections:  # amounts among the facts carry their unit
            for block in section.blocks:
                if isinstance(block, Facts):
                    for _, cell in block.items:
                        if cell.kind == "money" and not cell.hidden and cell.value is not None:
                            cell.text = f"{cell.text}{numbers.NBSP}€"
        notes = []
        if data.draft:
            notes.append(
                tr(
                    "A preview from the draft statement: the figures may still change, and the "
                    "report is not final until the statement is approved."
                )
            )
        if self.public:
            notes.append(
                tr(
                    "Counts from 1 to 4 are shown as '..', and so is every figure from which "
                    "one could be worked out with the totals; euro amounts of a hidden group are "
                    "hidden with it. 0 is shown: it reveals no one."
                )
            )
        else:
            notes.append(
                tr(
                    "The city's edition: every figure, and an annex of the statement's "
                    "child-years by pseudonym. Pseudonymised personal data: for the city and "
                    "the fund manager only; do not publish it or pass it on."
                )
            )
        return Document(
            edition=self.edition,
            language=self.language,
            title=tr("Annual report {year}", year=data.year),
            subtitle=data.title.get(self.language) or data.title.get("en", data.contract_id),
            edition_name=tr("The city's edition")
            if not self.public
            else tr("The investors' and public edition"),
            year=data.year,
            draft=data.draft,
            draft_mark=tr("DRAFT"),
            written_on=tr("Written on {day}", day=self.day(data.written_on)),
            notes=notes,
            sections=sections,
            hidden=self.hidden_count,
            hidden_note=tr(
                "..: hidden (a group of fewer than 5, or a figure that would reveal one)"
            ),
            contents_title=tr("Contents"),
        )

    # -- summary ------------------------------------------------------------------------------

    def summary(self) -> Section:
        tr, data, p = self.tr, self.data, self.data.payments
        bands = self._bands()
        full = next(b for b in data.payments.bands if b.band == "full")
        share = Decimal(full.children) / Decimal(p.children) if p.children else None
        items = [
            (tr("Children in follow-up during the year"), self.count(p.children)),
            (
                tr("Children with no deduction"),
                self.percent(share, hidden="full" in bands.hidden),
            ),
            (tr("Outcome payment for the year"), self.money(p.payable)),
            (tr("Invoice total, with adjustments for earlier years"), self.money(p.invoice)),
        ]
        if data.exante is not None:
            years = [y for y in data.exante.years if y.year not in self.small_years]
            items.append(
                (
                    tr("City's gross saving so far (against the ex-ante case)"),
                    self.money(sum((y.gross_saving for y in years), Decimal("0.00"))),
                )
            )
        if data.fund is not None:
            items.append(
                (
                    tr("Investors' return to date (XIRR)"),
                    self.percent(data.fund.xirr, places=2)
                    if data.fund.xirr is not None
                    else self.text(tr("none yet")),
                )
            )
        blocks: list = [
            Paragraph(
                tr(
                    "The outcome report of the year {year}: how the cohort did, what the city "
                    "pays for it, and how the figures were computed. Every figure comes from the "
                    "same records that made the payment: the statement of the year, the fund's "
                    "ledger and the cohort in the store.",
                    year=data.year,
                )
            ),
            Facts(items, caption=tr("Key figures")),
        ]
        return Section("summary", tr("Summary"), blocks)

    # -- the cohort ---------------------------------------------------------------------------

    def cohort(self) -> Section:
        tr, c = self.tr, self.data.cohort
        reasons = list(EXIT_REASONS) + sorted(set(c.exited) - set(EXIT_REASONS))
        exit_parts = tuple(Part(("exit", r), c.exited.get(r, 0)) for r in reasons)
        root = Part(
            "referred",
            c.referred,
            (
                Part(
                    "eligible",
                    c.eligible,
                    (
                        Part(
                            "enrolled",
                            c.enrolled,
                            (
                                Part("followup", c.in_followup),
                                Part("exited", c.exited_total, exit_parts),
                            ),
                        ),
                        Part("waiting", c.waiting),
                    ),
                ),
                Part("not_eligible", c.not_eligible),
            ),
        )
        hidden = self._suppress(tree(Network(), root)).hidden if self.public else frozenset()
        label = {
            "referred": (tr("Children referred"), 0),
            "eligible": (tr("eligible"), 1),
            "enrolled": (tr("enrolled"), 2),
            "followup": (tr("in follow-up"), 3),
            "exited": (tr("out of follow-up"), 3),
            "waiting": (tr("waiting for a place"), 2),
            "not_eligible": (tr("not eligible"), 1),
        }
        values = {
            "referred": c.referred,
            "eligible": c.eligible,
            "enrolled": c.enrolled,
            "followup": c.in_followup,
            "exited": c.exited_total,
            "waiting": c.waiting,
            "not_eligible": c.not_eligible,
        }
        rows = []
        for key in ("referred", "eligible", "enrolled", "followup", "exited"):
            text, level = label[key]
            rows.append([self.text(text, level), self.count(values[key], key in hidden)])
        for reason in reasons:
            rows.append(
                [
                    self.text(self._reason(reason), 4),
                    self.count(c.exited.get(reason, 0), ("exit", reason) in hidden),
                ]
            )
        for key in ("waiting", "not_eligible"):
            text, level = label[key]
            rows.append([self.text(text, level), self.count(values[key], key in hidden)])
        table = Table(
            caption=tr("The cohort on {day}", day=self.day(c.on)),
            head=[tr("Children"), tr("Number")],
            rows=rows,
            key="cohort",
            widths=[3, 1],
            note=tr(
                "Each child referred by the day is counted once, in its state on that day; "
                "out of follow-up by the reason of the last exit."
            ),
        )
        facts = Facts(
            [
                (
                    tr("Capacity of the cohort"),
                    Cell(numbers.count(c.capacity, self.language), c.capacity, "number"),
                ),
                (
                    tr("Enrolled during the year"),
                    self.count(c.enrolled_in_year, self.public and is_small(c.enrolled_in_year)),
                ),
            ]
        )
        blocks: list = [table, facts]
        if c.series:
            blocks.append(self._enrolment_chart())
        return Section("cohort", tr("The cohort"), blocks)

    def _reason(self, reason: str) -> str:
        names = {
            "moved_out": self.tr("moved out of the city"),
            "died": self.tr("died"),
            "consent_withdrawn": self.tr("consent withdrawn"),
            "other": self.tr("other reason"),
            "followup_ended": self.tr("follow-up ended"),
        }
        return names.get(reason, reason)

    def _enrolment_chart(self) -> Chart:
        tr, c = self.tr, self.data.cohort
        points = [
            charts.MonthPoint(p.month, round5(p.enrolled), round5(p.in_followup))
            if self.public
            else p
            for p in c.series
        ]
        labels = {
            "title": tr("Enrolment over time"),
            "enrolled": tr("enrolled (cumulative)"),
            "in_followup": tr("in follow-up"),
            "capacity": tr("capacity"),
            "families": tr("families"),
        }
        svg = charts.enrolment_chart(points, c.capacity, labels=labels)
        note = tr("Rounded to the nearest 5.") if self.public else ""
        table = Table(
            caption=tr("Enrolment month by month"),
            head=[tr("Month"), tr("enrolled (cumulative)"), tr("in follow-up")],
            rows=[
                [
                    self.text(f"{p.month.year}-{p.month.month:02d}"),
                    Cell(numbers.count(p.enrolled, self.language), p.enrolled, "count"),
                    Cell(numbers.count(p.in_followup, self.language), p.in_followup, "count"),
                ]
                for p in points
            ],
            note=note,
            in_pdf=False,
            key="enrolment_series",
        )
        return Chart(
            key="enrolment",
            svg=svg,
            alt=tr(
                "Line chart: families enrolled (cumulative) and children in follow-up, month "
                "by month, against the capacity."
            ),
            caption=tr("Enrolment and follow-up month by month.") + (f" {note}" if note else ""),
            table=table,
        )

    # -- service use --------------------------------------------------------------------------

    def _suppress_services(self) -> frozenset:
        """One pattern for the children, units and euros of each service and year: a hidden
        count hides its units and euros, and the euros under each year's published total (the
        statement's deductions) take their complements; a complement's count goes too."""
        if not self.public:
            return frozenset()
        s = self.data.services
        counts = Network()
        for row in s.rows:
            counts.add((row.service, row.year), row.children, FREE, FREE)
        amounts = [
            line(
                {(r.service, r.year): _cents(r.amount) for r in s.rows if r.year == year},
                ("total", year),
                _cents(s.deductions[year]),
                count=False,
                fixed_total=True,
            )
            for year in s.years
        ]
        hide = {(r.service, r.year) for r in s.rows if r.year in self.small_years}
        return self._suppress_shared([counts, *amounts], hide).hidden

    def services(self) -> Section:
        tr, s = self.tr, self.data.services
        years = list(s.years)
        codes = sorted({row.service for row in s.rows})
        hidden = self.service_hidden

        def grid(caption: str, value, total=None, note: str = "") -> Table:
            rows = [
                [self.text(self.service_name(code))]
                + [value(s.cell(code, year), (code, year) in hidden) for year in years]
                for code in codes
            ]
            foot = []
            if total is not None:
                foot = [[self.text(tr("Total"))] + [total(year) for year in years]]
            return Table(
                caption=caption,
                head=[tr("Service")] + [str(y) for y in years],
                rows=rows,
                foot=foot,
                widths=[4] + [1] * len(years),
                note=note,
                key=caption,
            )

        children = grid(
            tr("Children who used each service, by year"),
            lambda cell, h: self.count(cell.children, h),
            note=tr("A child who used several services counts under each of them."),
        )
        units = grid(
            tr("Units used, by year (care days or working days)"),
            lambda cell, h: self.count(cell.units, h),
        )
        amounts = grid(
            tr("Deductions, by year (EUR)"),
            lambda cell, h: self.money(cell.amount, h),
            total=lambda year: self.money(s.deductions[year], year in self.small_years),
            note=tr("The total of each year is the deductions of that year's statement."),
        )
        blocks: list = [
            Paragraph(
                tr(
                    "The use of the 9 services measured, by the enrolled children in follow-up, "
                    "as the statements priced it: this year and the earlier years side by side."
                )
            ),
            children,
            units,
            amounts,
            self._service_chart(),
        ]
        return Section("services", tr("Use of the services"), blocks)

    def _service_chart(self) -> Chart:
        tr, s = self.tr, self.data.services
        values = {
            (r.service, r.year): (
                None if (r.service, r.year) in self.service_hidden else r.children
            )
            for r in s.rows
        }
        svg = charts.service_chart(
            values,
            {code: self.service_name(code) for code in sorted({r.service for r in s.rows})},
            list(s.years),
            labels={
                "title": tr("Children who used each service"),
                "children": tr("children"),
                "service": tr("service (numbered as in the tables)"),
                "hidden": HIDDEN,
            },
        )
        return Chart(
            key="services",
            svg=svg,
            alt=tr("Bar chart: children who used each service, by service number, one bar a year."),
            caption=tr("Children who used each service, by year; the same figures as the table."),
        )

    # -- outcome payments ---------------------------------------------------------------------

    def _bands(self) -> Suppression:
        if not self.public:
            return Suppression(frozenset(), frozenset())
        return band_suppression(self.data.payments.bands)

    def payments(self) -> Section:
        tr, p = self.tr, self.data.payments
        caps = ", ".join(self._cap_name(c) for c in p.caps_applied) or tr("none")
        bands = self._bands()
        hidden = bands.hidden
        by_band = {b.band: b for b in p.bands}
        with_children = sum(b.children for b in p.bands if b.band != "full")
        facts = Facts(
            [
                (tr("Children in follow-up during the year"), self.count(p.children)),
                (tr("Child-years in follow-up"), self.number(p.child_years)),
                (tr("Children with a deduction"), self.count(with_children, "with" in hidden)),
                (tr("Base (before deductions)"), self.money(p.base)),
                (tr("Deductions"), self.money(p.deductions)),
                (tr("Outcome payment before the caps"), self.money(p.computed)),
                (tr("Caps applied"), self.text(caps)),
                (tr("Outcome payment for the year"), self.money(p.payable)),
                (tr("Adjustments for earlier years"), self.money(p.adjustments)),
                (tr("Invoice total"), self.money(p.invoice)),
            ],
            caption=tr("The statement of {year}", year=self.data.year),
        )
        labels = {
            "full": tr("no deduction (100 %)"),
            "75": tr("75 % to under 100 %"),
            "50": tr("50 % to under 75 %"),
            "25": tr("25 % to under 50 %"),
            "under_25": tr("above 0 % to under 25 %"),
            "zero": tr("nothing (0 %)"),
        }
        total = sum(b.children for b in p.bands)
        rows = [
            self._band_row(
                labels["full"],
                0,
                by_band["full"].children,
                by_band["full"].payments,
                total,
                "full" in hidden,
            ),
            self._band_row(
                tr("with a deduction"),
                0,
                with_children,
                sum((b.payments for b in p.bands if b.band != "full"), Decimal(0)),
                total,
                "with" in hidden,
            ),
        ]
        for band in BANDS[1:]:
            b = by_band[band]
            rows.append(
                self._band_row(labels[band], 1, b.children, b.payments, total, band in hidden)
            )
        distribution = Table(
            caption=tr("Payment per child as a share of the child's base"),
            head=[tr("Payment"), tr("Children"), tr("Share of children"), tr("Payments (EUR)")],
            rows=rows,
            foot=[
                [
                    self.text(tr("All children")),
                    self.count(total),
                    self.percent(Decimal(1)),
                    self.money(sum((b.payments for b in p.bands), Decimal(0))),
                ]
            ],
            widths=[3, 1, 1, 1.4],
            key="bands",
            note=tr(
                "A child's base is the full outcome payment for the days in follow-up; the "
                "deductions of its use of the services are taken off it, down to nothing."
            ),
        )
        blocks: list = [facts, distribution]
        blocks.append(self._adjustments())
        blocks.append(self._history())
        blocks.append(self._payments_chart())
        return Section("payments", tr("The outcome payments"), blocks)

    def _band_row(self, label, level, children, payments, total, hidden) -> list[Cell]:
        share = Decimal(children) / Decimal(total) if total else None
        return [
            self.text(label, level),
            self.count(children, hidden),
            self.percent(share, hidden),
            self.money(payments, hidden),
        ]

    def _cap_name(self, name: str) -> str:
        return {
            "investor_return_cap": self.tr("the investors' return cap"),
            "max_total_outcome_payments": self.tr("the maximum of outcome payments"),
        }.get(name, name)

    def _adjustments(self):
        tr, p = self.tr, self.data.payments
        if not p.adjusted:
            return Paragraph(
                tr("No adjustments for earlier years: no approved year has changed since.")
            )
        hidden: frozenset = frozenset()
        breakdown = True
        if self.public:
            counts = line({a.year: a.child_years for a in p.adjusted}, "total")
            amounts = line(
                {a.year: _cents(a.difference) for a in p.adjusted},
                "total",
                _cents(p.adjustments),
                count=False,
                signed=True,
                fixed_total=True,
            )
            result = self._suppress_shared([counts, amounts], set())
            hidden = result.hidden
            breakdown = not result.unprotected
        total_count = sum(a.child_years for a in p.adjusted)
        rows = []
        if breakdown:
            rows = [
                [
                    self.text(str(a.year)),
                    self.count(a.child_years, a.year in hidden),
                    self.money(a.difference, a.year in hidden),
                ]
                for a in p.adjusted
            ]
        hide_total = self.public and (is_small(total_count) or "total" in hidden)
        return Table(
            caption=tr("Adjustments for earlier years in this statement"),
            head=[tr("Year"), tr("Child-years changed"), tr("Difference (EUR)")],
            rows=rows,
            foot=[
                [
                    self.text(tr("Total")),
                    self.count(total_count, hide_total),
                    self.money(p.adjustments),
                ]
            ],
            widths=[2, 1, 1],
            key="adjustments",
            note=tr(
                "A register correction that arrives after a year was approved is settled here: "
                "the recomputed payment minus what was approved, per child-year."
            )
            + (
                ""
                if breakdown
                else " "
                + tr(
                    "The years are not shown one by one: that would reveal a group of fewer than 5."
                )
            ),
        )

    def _history(self) -> Table:
        tr = self.tr
        rows = []
        for y in self.data.payments.history:
            h = y.year in self.small_years
            rows.append(
                [
                    self.text(str(y.year)),
                    self.text(tr("approved") if y.status == "approved" else tr("draft")),
                    self.count(y.children, h),
                    self.money(y.base, h),
                    self.money(y.deductions, h),
                    self.money(y.payable, h),
                    self.money(y.adjustments, h),
                    self.money(y.invoice, h),
                ]
            )
        return Table(
            caption=tr("The statements year by year (EUR)"),
            head=[
                tr("Year"),
                tr("Status"),
                tr("Children"),
                tr("Base"),
                tr("Deductions"),
                tr("Payment"),
                tr("Adjustments"),
                tr("Invoice"),
            ],
            rows=rows,
            widths=[0.8, 1, 0.9, 1.4, 1.4, 1.4, 1.2, 1.4],
            key="history",
        )

    def _payments_chart(self) -> Chart:
        tr = self.tr
        years = []
        names = {code: tr("service {code}", code=code) for code in self.data.service_names}
        names[0] = tr("hidden (small groups)")
        for y in self.data.payments.history:
            if y.year in self.small_years:
                continue
            by_service: dict[int, Decimal] = {}
            for code, amount in y.deductions_by_service.items():
                key = 0 if (code, y.year) in self.service_hidden else code
                by_service[key] = by_service.get(key, Decimal(0)) + amount
            years.append(charts.YearPayments(y.year, y.base, y.payable, by_service))
        svg = charts.payments_chart(
            years,
            names,
            labels={
                "title": tr("Outcome payments and deductions by year"),
                "payment": tr("outcome payment"),
                "base": tr("base (before deductions)"),
                "euros": tr("EUR thousand"),
            },
        )
        return Chart(
            key="payments",
            svg=svg,
            alt=tr(
                "Bar chart: the outcome payment of each year beside its deductions, stacked by "
                "service, and the base."
            ),
            caption=tr("Outcome payments and deductions by service, year by year."),
        )

    # -- the ex-ante case ---------------------------------------------------------------------

    def exante(self) -> Section:
        tr, e = self.tr, self.data.exante
        title = tr("Against the ex-ante case")
        if e is None:
            return Section(
                "exante",
                title,
                [Paragraph(tr("No ex-ante case (savings scenario) is given for this contract."))],
            )
        years = [y for y in e.years if y.year not in self.small_years]
        intro = Paragraph(
            tr(
                "The ex-ante case is the savings scenario {name} ({source}; illustrative "
                "figures where the contract's own are not public). It expects the use of the 9 "
                "services by a target-group child without the intervention (the counterfactual) "
                "and with it (effect size {effect}). Here its expectations per child-year are "
                "applied to the child-years actually followed, and set against the use the "
                "statements priced.",
                name=e.scenario,
                source=e.scenario_source,
                effect=numbers.percent(e.effect_size, self.language, 0),
            )
        )
        use = Table(
            caption=tr("Expected and actual use of the services (EUR)"),
            head=[
                tr("Year"),
                tr("Child-years"),
                tr("Child-years in the plan"),
                tr("Without the intervention"),
                tr("Expected with it"),
                tr("Actual"),
            ],
            rows=[
                [
                    self.text(str(y.year)),
                    self.number(y.child_years),
                    self.number(y.plan_child_years),
                    self.money(y.counterfactual),
                    self.money(y.expected),
                    self.money(y.actual),
                ]
                for y in years
            ],
            foot=[
                [
                    self.text(tr("Total")),
                    self.number(sum((y.child_years for y in years), Decimal(0))),
                    self.number(sum((y.plan_child_years for y in years), Decimal(0))),
                    self.money(sum((y.counterfactual for y in years), Decimal(0))),
                    self.money(sum((y.expected for y in years), Decimal(0))),
                    self.money(sum((y.actual for y in years), Decimal(0))),
                ]
            ],
            widths=[0.8, 1, 1, 1.4, 1.4, 1.4],
            key="exante_use",
        )
        zero = Decimal("0.00")
        savings = Table(
            caption=tr("The city's savings so far (EUR)"),
            head=[
                tr("Year"),
                tr("Gross saving"),
                tr("Outcome payments"),
                tr("City's own costs"),
                tr("Net saving"),
            ],
            rows=[
                [
                    self.text(str(y.year)),
                    self.money(y.gross_saving),
                    self.money(y.outcome_payments),
                    self.money(y.city_costs),
                    self.money(y.net_saving),
                ]
                for y in years
            ],
            foot=[
                [
                    self.text(tr("Total")),
                    self.money(sum((y.gross_saving for y in years), zero)),
                    self.money(sum((y.outcome_payments for y in years), zero)),
                    self.money(sum((y.city_costs for y in years), zero)),
                    self.money(sum((y.net_saving for y in years), zero)),
                ]
            ],
            widths=[0.8, 1.4, 1.4, 1.2, 1.4],
            key="exante_savings",
            note=tr(
                "Gross saving = the cost without the intervention − the actual priced use; net "
                "saving = gross saving − the outcome payments invoiced − the city's own costs."
            ),
        )
        facts = Facts(
            [
                (
                    tr("The plan's expected gross saving for the same years"),
                    self.money(e.plan_gross_saving),
                ),
                (
                    tr("The plan's expected gross saving over the whole project"),
                    self.money(e.plan_total_gross_saving),
                ),
            ]
        )
        year = self.data.year
        hidden = {code for code, y in self.service_hidden if y == year}
        services = Table(
            caption=tr("Expected and actual use by service in {year}", year=year),
            head=[
                tr("Service"),
                tr("Units expected"),
                tr("Units used"),
                tr("Cost expected (EUR)"),
                tr("Actual (EUR)"),
            ],
            rows=[
                [
                    self.text(self.service_name(s.service)),
                    self.number(s.expected_units, 0),
                    self.count(s.actual_units, s.service in hidden),
                    self.money(s.expected_cost),
                    self.money(s.actual_cost, s.service in hidden),
                ]
                for s in e.services
            ],
            foot=[
                [
                    self.text(tr("Total")),
                    self.text(""),
                    self.text(""),
                    self.money(sum((s.expected_cost for s in e.services), zero)),
                    self.money(sum((s.actual_cost for s in e.services), zero)),
                ]
            ],
            widths=[3.4, 1, 1, 1.3, 1.3],
            key="exante_services",
        )
        blocks: list = [intro, use, savings, facts]
        if e.services and year not in self.small_years:
            blocks.append(services)
        return Section("exante", title, blocks)

    # -- the fund -----------------------------------------------------------------------------

    def fund(self) -> Section:
        tr, f = self.tr, self.data.fund
        title = tr("The fund")
        if f is None:
            return Section(
                "fund", title, [Paragraph(tr("No fund ledger is in the store for this contract."))]
            )
        if f.xirr is not None:
            rate = self.percent(f.xirr, places=2)
        elif f.xirr_reason == "no_contributions":
            rate = self.text(tr("none: no contributions yet"))
        else:
            rate = self.text(tr("none yet: no distributions, so the flows never change sign"))
        items = [
            (tr("Investors' contributions"), self.money(f.contributions)),
            (tr("Payments to the providers"), self.money(f.provider_payments)),
            (tr("Manager's fees and costs"), self.money(f.fees)),
            (tr("Outcome payments received"), self.money(f.outcome_payments)),
            (tr("Distributions to the investors"), self.money(f.distributions)),
            (tr("Cash at the end of the year"), self.money(f.balance)),
            (tr("Investors' return to date (XIRR)"), rate),
            (
                tr("Multiple on invested capital"),
                self.number(f.moic) if f.moic is not None else self.text("–"),
            ),
        ]
        if f.cap_rate is not None:
            items.append((tr("Return cap"), self.percent(f.cap_rate, places=1)))
        if f.headroom is not None:
            items += [
                (
                    tr("Headroom under the cap for a payment on {day}", day=self.day(f.pay_date)),
                    self.money(f.headroom),
                ),
                (tr("This year's invoice"), self.money(f.invoice)),
                (
                    tr("Headroom left after it"),
                    self.money(max(f.headroom - f.invoice, Decimal("0.00"))),
                ),
            ]
        kinds = {
            "contribution": tr("contributions"),
            "outcome_payment": tr("outcome payments"),
            "provider_payment": tr("provider payments"),
            "fee": tr("fees and costs"),
            "distribution": tr("distributions"),
        }
        blocks: list = [
            Paragraph(
                tr(
                    "The fund's ledger up to {day}. The return is the investors' XIRR of their "
                    "contributions and distributions on their actual dates, realised flows only. "
                    "The city never pays more than the amount that would bring it above the cap.",
                    day=self.day(f.on),
                )
            ),
            Facts(items, caption=tr("The fund on {day}", day=self.day(f.on))),
        ]
        if f.years:
            zero = Decimal("0.00")
            blocks.append(
                Table(
                    caption=tr("The fund's flows by year (EUR)"),
                    head=[
                        tr("Year"),
                        kinds["contribution"],
                        kinds["outcome_payment"],
                        kinds["provider_payment"],
                        kinds["fee"],
                        kinds["distribution"],
                        tr("cash at year end"),
                    ],
                    rows=[
                        [
                            self.text(str(y.year)),
                            self.money(y.inflows.get("contribution", zero)),
                            self.money(y.inflows.get("outcome_payment", zero)),
                            self.money(y.outflows.get("provider_payment", zero)),
                            self.money(y.outflows.get("fee", zero)),
                            self.money(y.outflows.get("distribution", zero)),
                            self.money(y.balance),
                        ]
                        for y in f.years
                    ],
                    widths=[0.7, 1.3, 1.3, 1.3, 1.2, 1.3, 1.3],
                    key="fund_years",
                )
            )
            svg = charts.fund_chart(
                list(f.years),
                kinds,
                labels={
                    "title": tr("The fund's cash flows by year"),
                    "balance": tr("cash at year end"),
                    "euros": tr("EUR thousand"),
                },
            )
            blocks.append(
                Chart(
                    key="fund",
                    svg=svg,
                    alt=tr(
                        "Bar chart: the fund's money in (above the axis) and out (below) by "
                        "year, with its cash at each year end."
                    ),
                    caption=tr("The fund's cash flows by year and its cash at year end."),
                )
            )
        return Section("fund", title, blocks)

    # -- provider activity --------------------------------------------------------------------

    def activity(self) -> Section:
        tr, a = self.tr, self.data.activity
        names = {
            "individual_support": tr("individual support"),
            "family_group": tr("family group"),
            "community": tr("community"),
        }
        head_tail = [names[c] for c in COMPONENTS] + [tr("all"), tr("hours")]

        def per_family(contacts: dict[str, int], minutes: int, families: int, hidden: bool):
            cells = []
            for component in COMPONENTS:
                value = Decimal(contacts.get(component, 0)) / families if families else None
                cells.append(self.number(value, 1, hidden))
            total = Decimal(sum(contacts.values())) / families if families else None
            cells.append(self.number(total, 1, hidden))
            cells.append(
                self.number(Decimal(minutes) / 60 / families if families else None, 1, hidden)
            )
            return cells

        by_year = Table(
            caption=tr("Contacts per family in each year of its service"),
            head=[tr("Year of service"), tr("Families"), *head_tail],
            rows=[
                [
                    self.text(tr("year {k}", k=r.service_year)),
                    self.count(r.families, self.public and is_small(r.families)),
                    *per_family(
                        r.contacts, r.minutes, r.families, self.public and is_small(r.families)
                    ),
                ]
                for r in a.by_service_year
            ],
            widths=[1.3, 1, 1.2, 1, 1, 0.8, 0.8],
            key="activity_years",
            note=tr(
                "Families whose year of service (from the enrolment day) had ended by the end "
                "of {year} and who were in follow-up when it began; contacts and hours per "
                "family, by component.",
                year=self.data.year,
            ),
        )
        providers = {p.provider: p for p in a.by_provider}
        hidden: frozenset = frozenset()
        families_total = sum(p.families for p in a.by_provider)
        if self.public and providers:
            network = line({name: p.families for name, p in providers.items()}, "all")
            hidden = self._suppress(network).hidden
        contacts_total: dict[str, int] = {}
        for p in a.by_provider:
            for k, v in p.contacts.items():
                contacts_total[k] = contacts_total.get(k, 0) + v
        by_provider = Table(
            caption=tr("Contacts per family in {year}, by provider", year=self.data.year),
            head=[tr("Provider"), tr("Families"), *head_tail],
            rows=[
                [
                    self.text(p.provider),
                    self.count(p.families, p.provider in hidden),
                    *per_family(p.contacts, p.minutes, p.families, p.provider in hidden),
                ]
                for p in a.by_provider
            ],
            foot=[
                [
                    self.text(tr("All providers")),
                    self.count(families_total, "all" in hidden),
                    *per_family(
                        contacts_total,
                        sum(p.minutes for p in a.by_provider),
                        families_total,
                        "all" in hidden,
                    ),
                ]
            ],
            widths=[2, 1, 1.2, 1, 1, 0.8, 0.8],
            key="activity_providers",
            note=tr("Families with at least one contact in the year."),
        )
        blocks = [
            Paragraph(
                tr(
                    "The providers' contacts with the families, from their activity log: the "
                    "support is intensive at first and tapers over the one to three years of "
                    "service."
                )
            )
        ]
        blocks += [by_year] if a.by_service_year else []
        blocks.append(by_provider)
        return Section("activity", tr("The providers' work"), blocks)

    # -- methods ------------------------------------------------------------------------------

    def methods(self) -> Section:
        tr, m, data = self.tr, self.data.methods, self.data
        status = tr("approved") if m.statement_status == "approved" else tr("draft")
        if m.approved_on:
            status = tr("{status} on {day}", status=status, day=self.day(m.approved_on))
        result = tr("final") if m.result_status == "final" else tr("provisional")
        items = [
            (
                tr("Contract"),
                self.text(f"{data.contract_id}, {tr('version')} {m.contract_version}"),
            ),
            (tr("Contract file (SHA-256)"), self.code(m.contract_sha256)),
            (tr("Price list (SHA-256)"), self.code(m.price_list_sha256)),
            (tr("Statement"), self.text(status)),
            (tr("Register data as of"), self.text(self.day(m.as_of))),
            (tr("Result"), self.text(result)),
        ]
        several = len(m.payment) > 1
        for rule in m.payment:
            for label, value in rule.facts:
                shown = self._fact(value)
                name = tr(label)
                if several:
                    name = f"{name} ({rule.component})"
                items.append((name, shown))
        extracts = Table(
            caption=tr("The register extracts used"),
            head=[tr("File"), tr("As of"), tr("Services"), tr("SHA-256")],
            rows=[
                [
                    self.text(e.file),
                    self.text(self.day(e.as_of)),
                    self.text(code_ranges(e.services)),
                    self.code(e.sha256),
                ]
                for e in m.extracts
            ],
            widths=[1.5, 1, 0.9, 3.9],
            key="extracts",
        )
        basis = {"care_day": tr("care day"), "working_day": tr("working day")}
        prices = Table(
            caption=tr("The prices of {year}", year=data.year),
            head=[tr("Service"), tr("Unit"), tr("How"), tr("Unit price (EUR)"), tr("Status")],
            rows=[
                [
                    self.text(self.service_name(p.service)),
                    self.text(basis.get(p.basis, p.basis)),
                    self.text(self._price_how(p)),
                    self.number(p.unit_price, 6),
                    self.text(tr("confirmed") if p.status == "confirmed" else tr("provisional")),
                ]
                for p in m.prices
            ],
            widths=[3, 1, 2.4, 1.2, 1],
            key="prices",
        )
        steps = Steps(
            [
                tr(
                    "Follow-up: a child is in follow-up from its enrolment (or return) to the day "
                    "before its exit, until the end of follow-up."
                ),
                tr(
                    "Units: for care-day services the care days in follow-up, for working-day "
                    "services the working days of the periods in follow-up, from the register "
                    "extracts listed above."
                ),
            ]
            + [
                tr(text, **self._values(values))
                for rule in m.payment
                for text, values in rule.steps
            ]
            + [
                tr(
                    "The year's payment is the sum over the children, then limited by the caps; "
                    "the investors' return cap is the amount that keeps their XIRR at or below "
                    "the cap for a payment on {day} of the following year.",
                    day=self.day_month(m.pay_day) if m.pay_day else "30 June",
                ),
                tr(
                    "Adjustments: for each earlier approved year, the recomputed payment minus "
                    "what was approved (and adjusted since), per child-year."
                ),
                tr(
                    "The cohort: each child referred by the day, in one state: in follow-up, out "
                    "of follow-up (by the last exit's reason), waiting or not eligible."
                ),
                tr(
                    "Against the ex-ante case: the scenario's expected cost per child-year of "
                    "each year × the child-years actually followed (Σ days in follow-up ÷ days in "
                    "the year), against the statements' deductions."
                ),
                tr(
                    "The fund: the ledger up to the end of the year; XIRR on actual dates "
                    "(actual/365) of the investors' contributions and distributions."
                ),
            ]
            + (
                [
                    tr(
                        "Suppression: counts from 1 to 4 hidden; then, in every table with "
                        "totals, further figures hidden until each total with a hidden part has "
                        "at least two hidden parts adding up to 5 or more and no hidden figure "
                        "can be worked out exactly from the shown ones."
                    )
                ]
                if self.public
                else []
            ),
            caption=tr("How each figure was computed"),
        )
        blocks: list = [Facts(items), extracts, prices, steps]
        if m.status_reasons or self.data.payments.cap_notes:
            blocks.append(
                Steps(
                    list(m.status_reasons) + list(self.data.payments.cap_notes),
                    caption=tr("Notes of the statement (as recorded)"),
                )
            )
        return Section("methods", tr("Methods"), blocks)

    def _price_how(self, p) -> str:
        if p.basis == "care_day" and p.daily_price is not None:
            return self.tr(
                "{price} per care day", price=numbers.money(p.daily_price, self.language)
            )
        if p.annual_cost is not None and p.clients and p.working_days:
            return self.tr(
                "{cost} ÷ {clients} clients ÷ {days} working days",
                cost=numbers.money(p.annual_cost, self.language),
                clients=numbers.count(p.clients, self.language),
                days=p.working_days,
            )
        return ""

    # -- the annex ----------------------------------------------------------------------------

    def annex(self) -> Section:
        tr = self.tr
        rows = []
        for line_ in self.data.annex:
            used = "; ".join(
                f"{service}: {numbers.count(units, self.language)}"
                for service, units, _ in line_.services
            )
            rows.append(
                [
                    self.code(line_.pseudonym),
                    self.count(line_.followup_days),
                    self.money(line_.base),
                    self.money(line_.deduction),
                    self.money(line_.payment),
                    self.text(used),
                ]
            )
        zero = Decimal("0.00")
        table = Table(
            caption=tr("The child-years of {year} by pseudonym", year=self.data.year),
            head=[
                tr("Pseudonym"),
                tr("Days"),
                tr("Base"),
                tr("Deduction"),
                tr("Payment"),
                tr("Services used: units"),
            ],
            rows=rows,
            foot=[
                [
                    self.text(tr("Total")),
                    self.text(""),
                    self.money(sum((r.base for r in self.data.annex), zero)),
                    self.money(sum((r.deduction for r in self.data.annex), zero)),
                    self.money(sum((r.payment for r in self.data.annex), zero)),
                    self.text(""),
                ]
            ],
            widths=[2.6, 0.6, 1, 1, 1, 1.6],
            key="annex",
        )
        return Section(
            "annex",
            tr("Annex: the child-years by pseudonym"),
            [
                Paragraph(
                    tr(
                        "Pseudonymised personal data: the statement's line for each child in "
                        "follow-up, by the contract's pseudonym. For the city and the fund "
                        "manager only; never publish it."
                    )
                ),
                table,
            ],
        )

    # -- suppression helpers ------------------------------------------------------------------

    def _suppress(self, network: Network) -> Suppression:
        return suppress(network)

    def _suppress_shared(self, networks: list[Network], hide: set[Hashable]) -> Suppression:
        return shared(networks, hide=hide)
