"""Rows of the register imports pages: the coordinator's only (register data is personal data)."""

from matrix import Row, allowed

UNKNOWN = 10**9  # no import has this id

ROWS = [
    Row("imports:list", allowed("coordinator")),
    Row("imports:upload", allowed("coordinator")),
    # An empty form: the form again with its messages (400), nothing stored.
    Row("imports:upload", allowed("coordinator", status=400), method="POST"),
    Row("imports:detail", allowed("coordinator"), kwargs=lambda w: {"pk": w.register_import_id}),
    Row(
        "imports:detail",
        allowed("coordinator", status=404),
        kwargs=lambda w: {"pk": UNKNOWN},
        label="unknown import",
    ),
    Row("imports:rejects", allowed("coordinator"), kwargs=lambda w: {"pk": w.register_import_id}),
    Row(
        "imports:rejects",
        allowed("coordinator", status=404),
        kwargs=lambda w: {"pk": UNKNOWN},
        label="unknown import",
    ),
]
