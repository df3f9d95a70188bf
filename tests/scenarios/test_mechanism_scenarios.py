"""Each payment mechanism's scenarios (``src/sibyl/mechanisms/<name>/scenarios/*.yaml``) run
through the engine, one test per file (the format: README.md here).

The files live beside the mechanism they check, outside ``testpaths``; this module collects
them, so that a plain ``pytest`` runs them. Besides the statement's figures, the explanation of
every child-year must give the same figures. ``tests/test_reference.py`` checks the same files
against the independent reference.
"""

from __future__ import annotations

import pytest

from reference import mechanism_scenario_files, scenario_id

SCENARIOS = mechanism_scenario_files()


def test_every_mechanism_has_scenarios():
    folders = {path.parent.parent.name for path in SCENARIOS}
    assert {"priced_deductions", "forecast_savings", "outcome_events"} <= folders


@pytest.mark.parametrize("path", SCENARIOS, ids=[scenario_id(path) for path in SCENARIOS])
def test_mechanism_scenario(path, check_scenario):
    check_scenario(path)
