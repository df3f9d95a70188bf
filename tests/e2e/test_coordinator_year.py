"""A coordinator's year in a real browser (Debian's Chromium, Playwright), on ``sibyl serve`` in
demo mode with a store that starts empty, as the issue's "Done when" asks:

a referral (by the referrer, screened as the form is filled) → screening → enrolment → a register
extract uploaded with a rejected row → the 2022 statement created, a child-year explained,
approved, and exported → the identity revealed once → every look at it in the audit log; an
investor who cannot reach a family page; the evaluator's download in the audit log too; and a
screenshot of every role's main page (written to ``SIBYL_SCREENSHOTS`` when set).

The figures are worked out by hand (DOMAIN.md 3.2, 3.3; the Helsinki price list's 2022 rows):

* the child is enrolled on 2022-03-01, so 306 days of 2022 are in follow-up (March–December:
  31+30+31+30+31+31+30+31+30+31) and the base is 4,000.00 × 306 ÷ 365 = 3,353.4247 → 3,353.42;
* service 5 (open-care social work) from 2022-09-01 to 2022-09-30: September 2022 has 22 working
  days (Thu 1, Fri 2 and four full weeks, no public holiday); the 2022 price is
  25,215,000 ÷ 8,000 clients ÷ 253 working days = 12.4580… a day, so 22 days cost
  274.0761 → 274.08;
* the payment is 3,353.42 − 274.08 = 3,079.34.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import openpyxl

from sibyl import identity

CODE = identity.make(date(2018, 4, 4), 812)  # 3 years old on 2022-03-01
BROKEN = CODE[:-1] + ("X" if CODE[-1] != "X" else "Y")  # the check character is wrong
BASE, DEDUCTION, PAYMENT = "3,353.42", "274.08", "3,079.34"
MAIN_PAGES = {
    "coordinator": "/dashboard/",
    "referrer": "/referrals/",
    "provider": "/families/",
    "fund_manager": "/fund/",
    "investor": "/reports/",
    "evaluator": "/research/",
    "admin": "/users/",
}


def watch(page, problems: list[str]) -> None:
    """Collect the browser's console errors (a CSP violation shows there)."""
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)


def test_e2e__a_coordinators_year(sign_in, screenshots, tmp_path: Path):
    problems: list[str] = []

    # The referrer refers a child; the screening is shown as the form is filled.
    referrer = sign_in("referrer")
    watch(referrer, problems)
    referrer.goto("/referrals/new/")
    referrer.get_by_label("Referral id").fill("YEAR-1")
    referrer.get_by_label("The child's identity code").fill(CODE)
    referrer.get_by_label("Referral date").fill("2022-03-01")
    referrer.get_by_label("District where the family lives").fill("Mellunkylä")
    referrer.get_by_label("child health clinic (neuvola)").check()
    for label in (
        "Difficulties of concentration",
        "Difficulties of social interaction",
        "A parent has no education beyond basic school",
        "A stressful life situation",
    ):
        referrer.get_by_label(label).check()
    referrer.locator("#screening").get_by_text("Eligible: every criterion is met.").wait_for()
    referrer.get_by_role("button", name="Send the referral").click()
    referrer.wait_for_url("**/referrals/YEAR-1/")
    assert CODE not in referrer.content()

    # The coordinator sees the screening and enrols the family.
    coordinator = sign_in("coordinator")
    watch(coordinator, problems)
    coordinator.on("dialog", lambda dialog: dialog.accept())  # "Approve …?" and the like
    coordinator.goto("/referrals/")
    coordinator.get_by_role("link", name="YEAR-1").click()
    assert "Eligible" in coordinator.content()
    coordinator.get_by_label("Enrolment date").fill("2022-03-01")
    coordinator.get_by_label("Provider").select_option("SOS-Lapsikylä")
    coordinator.get_by_role("button", name="Enrol").click()
    coordinator.get_by_text("YEAR-1 was enrolled on").wait_for()
    family_url = coordinator.get_by_role("link", name="The family's page").get_attribute("href")
    pseudonym = family_url.strip("/").split("/")[-1]
    assert pseudonym.startswith("ps-")

    # The city's register extract, with one row whose code is broken.
    extract = tmp_path / "extract_2024-03-31.csv"
    extract.write_text(
        "hetu,service,start,end,days\n"
        f"{CODE},5,2022-09-01,2022-09-30,\n"
        f"{BROKEN},1,2022-05-01,2022-05-31,\n",
        encoding="utf-8",
    )
    coordinator.goto("/imports/")
    coordinator.get_by_label("Register extract").set_input_files(str(extract))
    coordinator.get_by_label("As-of date").fill("2024-03-31")
    coordinator.get_by_role("button", name="Upload and check").click()
    coordinator.get_by_role("link", name="Open the whole report").click()
    report = coordinator.content()
    assert BROKEN not in report
    assert identity.mask(BROKEN) in report  # the rejected row, masked
    assert coordinator.locator(".card.alert .figure").inner_text() == "1"  # one rejected row

    # The statement for 2022: created, one child-year explained, approved, exported.
    coordinator.goto("/statements/")
    coordinator.get_by_label("Year").fill("2022")
    coordinator.get_by_role("button", name="Create the draft").click()
    coordinator.goto("/statements/2022/")
    text = coordinator.inner_text("main")
    assert PAYMENT in text
    assert DEDUCTION in text
    # (The session's store is shared with the other browser tests: this child's own link.)
    coordinator.locator(f"a[href='/statements/2022/children/{pseudonym}/']").click()
    explanation = coordinator.inner_text("main")
    assert f"EUR {BASE}" in explanation
    assert f"EUR {PAYMENT}" in explanation
    assert "22" in explanation  # the working days of September 2022
    coordinator.goto("/statements/2022/")
    coordinator.get_by_role("button", name="Approve the statement for 2022").click()
    coordinator.get_by_text("approved", exact=False).first.wait_for()
    assert coordinator.get_by_role("button", name="Approve the statement for 2022").count() == 0
    with coordinator.expect_download() as download:
        coordinator.get_by_role("link", name="Download (Excel)").click()
    workbook_path = tmp_path / "statement_2022.xlsx"
    download.value.save_as(workbook_path)
    workbook = openpyxl.load_workbook(workbook_path, read_only=True)
    rows = [row for sheet in workbook.worksheets for row in sheet.iter_rows(values_only=True)]
    # The child-year line: pseudonym, year, follow-up days, base, deduction, payment.
    line = next(row for row in rows if row[:2] == (pseudonym, 2022))
    assert line[2] == 306
    assert [Decimal(str(value)) for value in line[3:6]] == [
        Decimal("3353.42"),
        Decimal("274.08"),
        Decimal("3079.34"),
    ]
    assert CODE not in str(rows)

    # The identity, revealed once with a reason; the page after it no longer shows it.
    coordinator.goto(family_url)
    coordinator.get_by_label("Reason").first.fill("a call from the child protection office")
    coordinator.get_by_role("button", name="Reveal the identity code").click()
    assert coordinator.locator(".revealed").inner_text() == CODE
    coordinator.goto(family_url)
    assert CODE not in coordinator.content()

    # An investor cannot reach the family page, nor the imports.
    investor = sign_in("investor")  # not watched: Chromium logs each 403 as a console error
    for url in (family_url, "/imports/", "/statements/2022/"):
        response = investor.goto(url)
        assert response.status == 403, url
        assert "You may not open this page" in investor.inner_text("main")

    # The evaluator downloads an extract.
    evaluator = sign_in("evaluator")
    watch(evaluator, problems)
    with evaluator.expect_download() as research:
        evaluator.locator("a[href='/research/children.csv']").click()
    assert CODE not in research.value.path().read_text(encoding="utf-8")

    # Every look at the identity, and the download, are in the audit log.
    admin = sign_in("admin")
    watch(admin, problems)
    admin.goto("/audit/?action=identity.reveal")
    reveals = admin.locator("table.data tbody tr").filter(
        has_text="a call from the child protection office"
    )
    assert reveals.count() == 1
    assert "coordinator" in reveals.first.inner_text()
    admin.goto("/audit/?action=research.download")
    assert "evaluator" in admin.locator("table.data tbody tr").first.inner_text()
    admin.goto("/audit/?action=statement.export")
    assert admin.locator("table.data tbody tr").count() >= 1
    admin.goto("/audit/")
    admin.get_by_role("button", name="Verify the chain").click()
    admin.get_by_text("The audit log is intact.").wait_for()
    assert CODE not in admin.content()

    assert problems == []


def test_e2e__every_roles_main_page(sign_in, screenshots):
    """Each demo user lands on their own main page, without console errors; a screenshot of
    each is written for a person to look at."""
    problems: list[str] = []
    for user, path in MAIN_PAGES.items():
        page = sign_in(user)
        watch(page, problems)
        assert page.url.endswith(path), (user, page.url)
        assert page.locator("h1").count() >= 1
        page.screenshot(path=str(screenshots / f"main_{user}.png"), full_page=True)
    assert problems == []
