"""Rows of the statements pages: the coordinator does everything; the fund manager reads and
exports (by pseudonym) but neither creates, approves nor opens a child's explanation."""

from matrix import Row, allowed

NO_STATEMENT = 2030  # a follow-up year without a statement in the world

ROWS = [
    Row("statements:list", allowed("coordinator", "fund_manager")),
    Row("statements:chart", allowed("coordinator", "fund_manager")),
    # Replaces the world's 2023 draft.
    Row(
        "statements:create",
        allowed("coordinator", status=302),
        method="POST",
        data=lambda w: {"year": w.draft_year},
    ),
    Row(
        "statements:create",
        allowed("coordinator", status=400),
        method="POST",
        data=lambda w: {"year": "next"},
        label="not a year",
    ),
    Row("statements:create", {}, method="GET", others=405, anonymous=405),
    Row(
        "statements:detail",
        allowed("coordinator", "fund_manager"),
        kwargs=lambda w: {"year": w.approved_year},
    ),
    Row(
        "statements:detail",
        allowed("coordinator", "fund_manager"),
        kwargs=lambda w: {"year": w.draft_year},
        label="draft",
    ),
    Row(
        "statements:detail",
        allowed("coordinator", "fund_manager", status=404),
        kwargs=lambda w: {"year": NO_STATEMENT},
        label="no statement",
    ),
    Row(
        "statements:approve",
        allowed("coordinator", status=302),
        method="POST",
        kwargs=lambda w: {"year": w.draft_year},
    ),
    # Approved already: the page again with the reason (an approved statement never changes).
    Row(
        "statements:approve",
        allowed("coordinator", status=400),
        method="POST",
        kwargs=lambda w: {"year": w.approved_year},
        label="approved",
    ),
    Row(
        "statements:approve",
        allowed("coordinator", status=404),
        method="POST",
        kwargs=lambda w: {"year": NO_STATEMENT},
        label="no statement",
    ),
    Row(
        "statements:approve",
        {},
        method="GET",
        kwargs=lambda w: {"year": w.draft_year},
        others=405,
        anonymous=405,
    ),
    *(
        Row(
            "statements:export",
            allowed("coordinator", "fund_manager"),
            kwargs=lambda w, fmt=fmt: {"year": w.approved_year, "fmt": fmt},
            label=fmt,
        )
        for fmt in ("xlsx", "csv")
    ),
    Row(
        "statements:export",
        allowed("coordinator", "fund_manager", status=404),
        kwargs=lambda w: {"year": NO_STATEMENT, "fmt": "xlsx"},
        label="no statement",
    ),
    Row(
        "statements:child",
        allowed("coordinator"),
        kwargs=lambda w: {"year": w.approved_year, "pseudonym": w.sos},
    ),
    # R-2's child was referred (so it has a pseudonym) but never enrolled: not in the statement.
    Row(
        "statements:child",
        allowed("coordinator", status=404),
        kwargs=lambda w: {"year": w.approved_year, "pseudonym": w.not_eligible},
        label="not in the statement",
    ),
]
