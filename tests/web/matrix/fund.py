"""Rows of the fund's pages: the fund manager may do everything, the coordinator may read
(ledger, chart, simulations) but not change the ledger; nobody else may open them."""

from django.core.files.uploadedfile import SimpleUploadedFile

from matrix import Row, allowed

READERS = ("fund_manager", "coordinator")
SIMULATION = "?scenario=helsinki-base&runs=1000&seed=11"


def _flow(world) -> dict[str, str]:
    return {"on": "2024-01-31", "kind": "fee", "amount": "1250.00", "investor": "", "note": "m"}


def _file(world) -> dict[str, object]:
    return {
        "file": SimpleUploadedFile(
            "matrix-flows.csv",
            b"date,amount,kind,investor\n2024-02-29,-10000.00,contribution,Matrix Oy\n",
            content_type="text/csv",
        )
    }


ROWS = [
    Row("fund:ledger", allowed(*READERS)),
    Row("fund:ledger", allowed(*READERS), query="?on=2023-12-31", label="on a day"),
    Row("fund:ledger", {}, method="POST", others=405, anonymous=405),
    Row("fund:chart", allowed(*READERS)),
    Row("fund:add", allowed("fund_manager")),
    # A valid flow: stored, then back to the ledger.
    Row("fund:add", allowed("fund_manager", status=302), method="POST", data=_flow),
    Row("fund:import", allowed("fund_manager")),
    Row("fund:import", allowed("fund_manager", status=302), method="POST", data=_file),
    Row("fund:simulate", allowed(*READERS)),
    Row("fund:simulate", allowed(*READERS), query=SIMULATION, label="run"),
    # A simulation changes nothing, so it is a GET and nothing else.
    Row("fund:simulate", {}, method="POST", others=405, anonymous=405),
    Row("fund:simulation_fan", allowed(*READERS), query=SIMULATION),
    Row("fund:simulation_irr", allowed(*READERS), query=SIMULATION),
]
