"""``sibyl research list/export``: the coordinator's way to the research extracts, audited like
the evaluator's downloads."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest

from cli_runner import sibyl
from sibyl.web.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_research_export__writes_the_extract_and_logs_it(world, tmp_path: Path):
    out = tmp_path / "children.csv"
    result = sibyl("research", "export", "children", "--out", str(out), "--actor", "coordinator")
    assert result.code == 0, result.err
    content = out.read_bytes()
    sha = hashlib.sha256(content).hexdigest()
    assert f"SHA-256 {sha}" in result.out
    rows = list(csv.DictReader(content.decode("utf-8").splitlines()))
    assert len(rows) == 2  # the world's two enrolled families
    assert all(row["research_id"].startswith("rs-") for row in rows)
    entry = AuditEntry.objects.filter(action="research.download").latest("id")
    assert entry.actor == "coordinator"
    assert entry.details["sha256"] == sha


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nothing"], "there is no research extract of this name; use one of: children, "),
        (["children", "--format", "xml"], "research extracts are not sent in this format; use "
         "csv or parquet."),
    ],
)  # fmt: skip
def test_research_export__unknown_names_are_one_sentence(world, tmp_path, args, message):
    before = AuditEntry.objects.filter(action="research.download").count()
    result = sibyl("research", "export", *args, "--out", str(tmp_path / "x.csv"))
    assert result.code == 2
    assert message in result.err
    assert not (tmp_path / "x.csv").exists()
    assert AuditEntry.objects.filter(action="research.download").count() == before


def test_research_export__a_missing_folder_writes_and_logs_nothing(world, tmp_path: Path):
    result = sibyl("research", "export", "children", "--out", str(tmp_path / "no" / "x.csv"))
    assert result.code == 2
    assert "the folder to write into does not exist" in result.err
    assert not AuditEntry.objects.filter(action="research.download").exists()


def test_research_list__names_each_extract_with_its_rows(world):
    result = sibyl("research", "list")
    assert result.code == 0, result.err
    for name in ("children", "followup", "service_use", "outcomes", "activity"):
        assert name in result.out
