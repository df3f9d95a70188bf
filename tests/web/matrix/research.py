"""Rows of the research area: the evaluator's extracts (DOMAIN.md 4: the evaluator "may see
pseudonymised research extracts"; the coordinator has the command line, other roles nothing)."""

from matrix import Row, allowed

ROWS = [
    Row("research:extracts", allowed("evaluator")),
    Row("research:extracts", {}, method="POST", others=405, anonymous=405),
    Row(
        "research:download",
        allowed("evaluator"),
        kwargs=lambda w: {"name": "children", "fmt": "csv"},
        label="children.csv",
    ),
    Row(
        "research:download",
        allowed("evaluator"),
        kwargs=lambda w: {"name": "outcomes", "fmt": "parquet"},
        label="outcomes.parquet",
    ),
    # An extract or a format that does not exist: 404 for the evaluator, 403 for the others
    # (who may not open the page at all), as for any record outside a user's scope.
    Row(
        "research:download",
        allowed("evaluator", status=404),
        kwargs=lambda w: {"name": "families", "fmt": "csv"},
        label="unknown extract",
    ),
    Row(
        "research:download",
        allowed("evaluator", status=404),
        kwargs=lambda w: {"name": "children", "fmt": "xlsx"},
        label="unknown format",
    ),
    Row(
        "research:download",
        {},
        method="POST",
        others=405,
        anonymous=405,
        kwargs=lambda w: {"name": "children", "fmt": "csv"},
    ),
]
