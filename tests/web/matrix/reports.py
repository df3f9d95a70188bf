"""Rows of the reports pages: the investors' page for the coordinator, the fund manager and the
investor; the city's edition (pseudonymised child-level annex) for the coordinator and the fund
manager only; the public edition for all three. The world's approved 2022 statement has only 2
children, so its public edition is refused (back to the page with the reason); its 2023
statement is a draft, which has no report (404)."""

from matrix import Row, allowed

READERS = ("coordinator", "fund_manager", "investor")


def _download(edition: str, fmt: str, year=lambda w: w.approved_year):
    return lambda w: {"year": year(w), "edition": edition, "fmt": fmt}


ROWS = [
    Row("reports:investor", allowed(*READERS)),
    Row("reports:investor", {}, method="POST", others=405, anonymous=405),
    Row(
        "reports:download",
        {**allowed("coordinator", "fund_manager"), "investor": 403},
        kwargs=_download("city", "html"),
        label="city edition",
    ),
    Row(
        "reports:download",
        {**allowed("coordinator", "fund_manager"), "investor": 403},
        kwargs=_download("city", "pdf"),
        label="city edition pdf",
        query="?language=fi",
    ),
    Row(
        "reports:download",
        allowed(*READERS, status=302),
        kwargs=_download("public", "pdf"),
        label="public edition of a year with fewer than 5 children",
    ),
    Row(
        "reports:download",
        allowed(*READERS, status=404),
        kwargs=_download("public", "html", year=lambda w: w.draft_year),
        label="a draft year has no report",
    ),
    Row(
        "reports:download",
        allowed(*READERS, status=404),
        kwargs=_download("secret", "pdf"),
        label="unknown edition",
    ),
    Row(
        "reports:download",
        allowed(*READERS, status=404),
        kwargs=_download("public", "docx"),
        label="unknown format",
    ),
    Row(
        "reports:download",
        {**allowed("coordinator", "fund_manager", status=400), "investor": 403},
        kwargs=_download("city", "html"),
        query="?language=sv",
        label="no Swedish report",
    ),
    Row(
        "reports:download",
        {},
        method="POST",
        others=405,
        anonymous=405,
        kwargs=_download("public", "pdf"),
    ),
]
