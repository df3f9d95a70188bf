"""The annual report from the store, end to end: the world of ``report_world.py`` is built in a
fresh store in its own process, and every edition of its 2023 report is written there. The tests
read the PDFs back (pypdf) and compare them with the statements and the ledger, turn the pages
into PNG (pypdfium2), and run ``sibyl report`` on the same store.

Expected figures are the store's own rows (``figures.json``, read from the statements and the
ledger), and the main ones are worked out by hand below as well (DOMAIN.md 3.3).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

HERE = Path(__file__).parent
pypdf = pytest.importorskip("pypdf")


def _env(folder: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SIBYL_", "DJANGO_"))}
    env.pop("DATABASE_URL", None)
    env["SIBYL_DATA_DIR"] = str(folder)
    env["SIBYL_KEY_FILE"] = str(folder / "keys.json")
    env["COLUMNS"] = "200"
    return env


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report-world")
    result = subprocess.run(
        [sys.executable, str(HERE / "report_world.py"), str(folder)],
        env=_env(folder),
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return folder


@pytest.fixture(scope="module")
def figures(world: Path) -> dict:
    return json.loads((world / "figures.json").read_text(encoding="utf-8"))


def pdf_text(path: Path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(path).pages)


def en(amount: str) -> str:
    return f"{Decimal(amount):,.2f}"


def fi(amount: str) -> str:
    # Finnish: a no-break space between thousands (read back from the PDF as a space) and a
    # decimal comma.
    return en(amount).replace(",", " ").replace(".", ",")


def line_of(text: str, label: str) -> str:
    found = [line for line in text.splitlines() if line.startswith(label)]
    assert found, f"no line starting with {label!r}"
    return found[0]


def test_report__every_figure_equals_the_statement_and_the_ledger(world, figures):
    text = pdf_text(world / "report_city_en.pdf")
    s2023 = figures["statements"]["2023"]
    s2022 = figures["statements"]["2022"]
    # By hand (DOMAIN.md 3.3), base EUR 4,000 a child-year:
    # 2023: E1–E8 a whole year (8 × 4,000.00) + E9 until consent withdrawn on 1 March
    #   (59 days: 4,000 × 59 / 365 = 646.575… → 646.58) = 32,646.58;
    # deductions: E4 20 working days of service 5 at 25,845,375 ÷ 8,000 ÷ 251 = 12.8712…
    #   → 257.42; E5 21 working days of service 4 at 9,692,016 ÷ 1,500 ÷ 251 = 25.742…
    #   → 540.59; together 798.01; payment 32,646.58 − 798.01 = 31,848.57;
    # the 2022 correction (E6, 10 working days of service 5 at 12.4580… → 124.58) makes an
    #   adjustment of −124.58, so the invoice is 31,848.57 − 124.58 = 31,723.99.
    assert (s2023["base"], s2023["deductions"], s2023["computed"]) == (
        "32646.58", "798.01", "31848.57",
    )  # fmt: skip
    assert (s2023["adjustments"], s2023["invoice"]) == ("-124.58", "31723.99")
    # 2022: 9 children from 3 January (363 days: 3,978.08 each) + E10 until 1 July (179 days:
    # 1,961.64) = 37,764.36; deductions 286.53 + 893.00 + 4,235.72 = 5,415.25.
    assert (s2022["base"], s2022["deductions"]) == ("37764.36", "5415.25")

    statement = line_of(text, "Base (before deductions)")
    assert en(s2023["base"]) in statement
    assert en(s2023["deductions"]) in line_of(text, "Deductions ")
    assert en(s2023["computed"]) in line_of(text, "Outcome payment before the caps")
    assert en(s2023["payable"]) in line_of(text, "Outcome payment for the year")
    assert en(s2023["adjustments"]) in line_of(text, "Adjustments for earlier years ")
    assert en(s2023["invoice"]) in line_of(text, "Invoice total ")
    assert line_of(text, "Children in follow-up during the year").endswith(str(s2023["children"]))
    assert line_of(text, "Children with a deduction").endswith(
        str(s2023["children_with_deductions"])
    )
    # The statements year by year, as approved.
    for year in ("2022", "2023"):
        s = figures["statements"][year]
        row = line_of(text, f"{year} approved")
        for field in ("base", "deductions", "payable", "adjustments", "invoice"):
            assert en(s[field]) in row, (year, field)
    # The deductions by service and year add up to each statement's deductions.
    deductions = text[text.index("Deductions, by year (EUR)") :]
    for year, column in (("2022", 0), ("2023", 1)):
        for code, amount in figures["statements"][year]["by_service"].items():
            row = next(line for line in deductions.splitlines() if line.startswith(f"{code}. "))
            assert row.split()[-2 + column] == en(amount), (year, code)
    assert line_of(deductions, "Total").split()[1:] == [en(s2022["deductions"]),
                                                       en(s2023["deductions"])]  # fmt: skip
    # The fund, from the ledger up to 31 December 2023.
    fund = figures["fund"]
    for label, key in (
        ("Investors' contributions", "contributions"),
        ("Payments to the providers", "provider_payments"),
        ("Manager's fees and costs", "fees"),
        ("Outcome payments received", "outcome_payments"),
        ("Distributions to the investors", "distributions"),
        ("Cash at the end of the year", "balance"),
    ):
        assert en(fund[key]) in line_of(text, label), label
    # 500,000 in − 150,000 to providers − 10,000 fees + 32,606.75 received − 32,606.75 paid out.
    assert fund["balance"] == "340000.00"
    # The methods page: the contract, the price list and the extract by fingerprint.
    flat = text.replace("\n", "")
    assert s2023["contract_sha256"] in flat
    assert s2023["price_list_sha256"] in flat
    for sha in s2023["extracts"]:
        assert sha in flat


def test_report__finnish_pdf_has_the_same_figures_in_finnish_format(world, figures):
    text = pdf_text(world / "report_city_fi.pdf").replace("\u00a0", " ")
    s = figures["statements"]["2023"]
    assert fi(s["base"]) in line_of(text, "Perusmaksu (ennen vähennyksiä)")
    assert fi(s["invoice"]) in line_of(text, "Laskun loppusumma ")
    assert fi(s["adjustments"]) in line_of(text, "Aiempien vuosien oikaisut")
    assert "Vuosiraportti 2023" in text


@pytest.mark.parametrize(
    ("name", "sections"),
    [
        ("report_city_en.pdf", ["Summary", "The cohort", "Use of the services",
                                "The outcome payments", "Against the ex-ante case", "The fund",
                                "The providers' work", "Methods",
                                "Annex: the child-years by pseudonym"]),
        ("report_public_en.pdf", ["Summary", "The cohort", "Use of the services",
                                  "The outcome payments", "Against the ex-ante case", "The fund",
                                  "The providers' work", "Methods"]),
    ],
)  # fmt: skip
def test_report__pdf_opens_and_has_the_expected_sections(world, name, sections):
    reader = pypdf.PdfReader(world / name)
    assert len(reader.pages) >= 6
    # The outline (bookmarks) lists the numbered sections in order.
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert [re.sub(r"^\d+\.\s*", "", t) for t in titles] == sections
    assert reader.metadata.title.startswith("Annual report 2023")


def test_public_edition__no_count_from_1_to_4_no_pseudonym_and_the_signs_explained(world, figures):
    text = pdf_text(world / "report_public_en.pdf")
    for pseudonym in figures["pseudonyms"].values():
        assert pseudonym not in text
    assert "hidden (a group of fewer than 5" in text
    # The cohort table: 1 moved out, 1 withdrew consent, 1 waits, 2 not eligible, 2 out of
    # follow-up: each hidden, and so are the complements that would give them away.
    for label in ("moved out of the city", "consent withdrawn", "waiting for a place",
                  "not eligible", "out of follow-up"):  # fmt: skip
        assert line_of(text, label).split()[-1] == "..", label
    # Children who used each service: one child each (services 1, 4, 5, 9): all hidden.
    services = text[text.index("Children who used each service, by year") :]
    for code in ("1", "4", "5", "9"):
        row = next(line for line in services.splitlines() if line.startswith(f"{code}. "))
        assert re.search(r"\b[1-4]$", row) is None, row
    # The adjustment of one child-year: the count hidden, the total (the statement's) shown.
    adjustments = text[text.index("Adjustments for earlier years in this statement") :]
    assert line_of(adjustments, "Total").split()[1:] == ["..", "-124.58"]


def test_public_edition__the_city_edition_shows_what_it_hides(world):
    public = pdf_text(world / "report_public_en.pdf")
    city = pdf_text(world / "report_city_en.pdf")
    assert line_of(city, "moved out of the city").split()[-1] == "1"
    assert line_of(public, "moved out of the city").split()[-1] == ".."


def test_report__pages_as_png_show_tables_and_charts(world, tmp_path):
    pdfium = pytest.importorskip("pypdfium2")
    document = pdfium.PdfDocument(world / "report_public_en.pdf")
    inked = []
    for index in range(len(document)):
        image = document[index].render(scale=1).to_pil().convert("L")
        image.save(tmp_path / f"page-{index + 1}.png")
        histogram = image.histogram()
        dark = sum(histogram[:200]) / (image.width * image.height)
        inked.append(dark)
    # Every page has something on it; the pages with charts (bars and lines) carry much more
    # ink than a page of text alone.
    assert min(inked) > 0.005
    assert max(inked) > 0.05
    assert image.width > 500


def test_report__written_to_the_audit_log(world):
    with sqlite3.connect(world / "sibyl.sqlite3") as db:
        rows = db.execute(
            "SELECT actor, details FROM audit_auditentry WHERE action = 'report.write'"
        ).fetchall()
    details = [json.loads(d) for _, d in rows]
    assert len(details) == 8  # 2 editions × 2 languages × 2 formats
    assert {(d["edition"], d["language"], d["format"]) for d in details} == {
        (e, lang, f) for e in ("city", "public") for lang in ("en", "fi") for f in ("pdf", "html")
    }
    assert all(actor == "test" for actor, _ in rows)
    public = [d for d in details if d["edition"] == "public"]
    assert all(d["hidden_figures"] > 0 for d in public)


def test_cli__writes_the_report_and_says_where(world, tmp_path):
    out = tmp_path / "public.html"
    result = subprocess.run(
        [sys.executable, "-m", "sibyl", "report", "--year", "2023", "--edition", "public",
         "--language", "fi", "--out", str(out), "--actor", "tester"],
        env=_env(world), capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"written to {out}" in result.stdout
    page = out.read_text(encoding="utf-8")
    assert '<html lang="fi">' in page
    assert "Vuosiraportti 2023" in page


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--year", "2024", "--out", "x.pdf"], "there is no statement for 2024"),
        (["--year", "2023", "--edition", "secret", "--out", "x.pdf"],
         "--edition 'secret' is not known; use city or public"),
        (["--year", "2023", "--out", "x.txt"], "ends neither in .pdf nor in .html"),
        (["--year", "2023", "--language", "sv", "--out", "x.pdf"],
         "--language 'sv' is not known; use en or fi"),
    ],
)  # fmt: skip
def test_cli__bad_options_are_one_sentence_and_status_2(world, tmp_path, arguments, message):
    result = subprocess.run(
        [sys.executable, "-m", "sibyl", "report", *arguments],
        env=_env(world), cwd=tmp_path, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []
