"""The store: imports in one transaction, no identity code in the clear, statements that stay
exactly as approved while corrections arrive as adjustments, an audit chain that shows tampering.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import DatabaseError, connection, transaction

from sibyl import identity
from sibyl.errors import SibylInputError
from sibyl.web.audit import log as audit_log
from sibyl.web.audit.models import AuditEntry, AuditLogIsAppendOnly
from sibyl.web.cohort.models import Child
from sibyl.web.imports.models import RegisterImport, RejectedRow, ServiceEpisode
from sibyl.web.statements.models import (
    Adjustment,
    ApprovedStatementError,
    ChildYearLine,
    Statement,
)
from sibyl.web.store import imports as imports_store
from sibyl.web.store.cohort import import_cohort, reveal
from sibyl.web.store.imports import export_rejects, import_register
from sibyl.web.store.statements import approve_statement, create_statement, export_statement
from sibyl.web.store.vault import rotate_keys
from sibyl.web.vault.models import VaultEntry
from store_codes import CHILD_A, CHILD_B, CODES

pytestmark = pytest.mark.django_db

ACTOR = "test-coordinator"


def load(files, contract, keyring, *, extract="first", as_of=date(2024, 3, 31)):
    import_cohort(files["cohort"], contract, actor=ACTOR, keyring=keyring)
    return import_register(files[extract], contract, as_of=as_of, actor=ACTOR, keyring=keyring)


def counts() -> tuple[int, ...]:
    return (
        RegisterImport.objects.count(),
        ServiceEpisode.objects.count(),
        RejectedRow.objects.count(),
        AuditEntry.objects.count(),
    )


def all_database_text() -> bytes:
    """Every value of every table of the store, as text, for searching."""
    chunks: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f'SELECT * FROM "{table}"')
            chunks.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(chunks).encode("utf-8")


def contains_code(data: bytes) -> list[str]:
    found = []
    for code in CODES:
        for form in (code, code.lower(), code[:6] + code[7:]):
            if form.encode() in data:
                found.append(code[:7] + "****")
    return found


def test_import__no_raw_identity_code_in_database_logs_or_exports(
    files, contract, keyring, tmp_path: Path, caplog
):
    caplog.set_level("DEBUG")
    result = load(files, contract, keyring)
    assert result.register_import.rejected == 1
    assert result.register_import.outside_cohort == 1
    statement = create_statement("helsinki", 2023, actor=ACTOR)
    written = export_statement(statement, tmp_path / "out.csv", actor=ACTOR)
    written += export_statement(statement, tmp_path / "out.xlsx", actor=ACTOR)
    export_rejects(result.register_import, tmp_path / "rejects.csv")
    assert contains_code(all_database_text()) == []
    assert contains_code(caplog.text.encode()) == []
    for path in [*written, tmp_path / "rejects.csv"]:
        assert contains_code(path.read_bytes()) == [], path.name
    # The rejected row is kept, masked, for the city to correct at the source.
    reject = RejectedRow.objects.get()
    assert reject.value == CHILD_A[:7] + "****"


def test_import__vault_gives_the_code_back_and_each_look_is_audited(files, contract, keyring):
    load(files, contract, keyring)
    pseudonym = identity.pseudonymise(CHILD_A, "helsinki", keyring)
    before = AuditEntry.objects.filter(action="identity.reveal").count()
    assert reveal("helsinki", pseudonym, actor=ACTOR, reason="family meeting") == CHILD_A
    entry = AuditEntry.objects.filter(action="identity.reveal").latest("id")
    assert AuditEntry.objects.filter(action="identity.reveal").count() == before + 1
    assert entry.actor == ACTOR
    assert entry.details == {"pseudonym": pseudonym, "reason": "family meeting"}


def test_import__same_file_twice_changes_nothing(files, contract, keyring):
    load(files, contract, keyring)
    before = counts()
    again = import_register(
        files["first"], contract, as_of=date(2024, 3, 31), actor=ACTOR, keyring=keyring
    )
    assert again.already_imported
    assert counts() == before


def test_import__failure_half_way_leaves_the_store_as_it_was(files, contract, keyring, monkeypatch):
    import_cohort(files["cohort"], contract, actor=ACTOR, keyring=keyring)
    before = counts()

    def fail(*args, **kwargs):
        raise RuntimeError("disk full (simulated) after the episodes were written")

    # The audit entry is the last write of an import: failing there undoes everything.
    monkeypatch.setattr(imports_store.audit, "record", fail)
    with pytest.raises(RuntimeError):
        import_register(
            files["first"], contract, as_of=date(2024, 3, 31), actor=ACTOR, keyring=keyring
        )
    assert counts() == before


def test_import__unusable_file_changes_nothing(files, contract, keyring, tmp_path: Path):
    import_cohort(files["cohort"], contract, actor=ACTOR, keyring=keyring)
    before = counts()
    broken = tmp_path / "broken.csv"
    broken.write_text("hetu;palvelu;alku\n", encoding="utf-8")
    with pytest.raises(SibylInputError):
        import_register(broken, contract, as_of=date(2024, 3, 31), actor=ACTOR, keyring=keyring)
    with pytest.raises(SibylInputError, match="--services says it does not cover"):
        import_register(
            files["first"], contract, as_of=date(2024, 3, 31), actor=ACTOR,
            services=[9], keyring=keyring,
        )  # fmt: skip
    assert counts() == before


def test_statement__approved_statement_cannot_be_changed_by_any_means(files, contract, keyring):
    load(files, contract, keyring)
    create_statement("helsinki", 2023, actor=ACTOR)
    statement = approve_statement("helsinki", 2023, actor=ACTOR)
    snapshot = list(ChildYearLine.objects.filter(statement=statement).values())

    statement.payable = Decimal("1.00")
    with pytest.raises(ApprovedStatementError):
        statement.save()
    with pytest.raises(ApprovedStatementError):
        statement.delete()
    with pytest.raises(ApprovedStatementError):
        Statement.objects.filter(pk=statement.pk).update(payable=Decimal("1.00"))
    line = ChildYearLine.objects.filter(statement=statement).first()
    line.payment = Decimal("0.00")
    with pytest.raises(ApprovedStatementError):
        line.save()
    with pytest.raises(ApprovedStatementError):
        ChildYearLine.objects.filter(statement=statement).delete()
    # Below the models, the database refuses too.
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE statements_statement SET payable = 1 WHERE id = %s", [statement.pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM statements_childyearline WHERE statement_id = %s", [statement.pk]
        )
    with pytest.raises(SibylInputError, match="is approved and cannot be replaced"):
        create_statement("helsinki", 2023, actor=ACTOR)
    statement.refresh_from_db()
    assert statement.payable == Decimal("6707.74")
    assert list(ChildYearLine.objects.filter(statement=statement).values()) == snapshot


def test_statement__late_correction_arrives_as_an_adjustment(files, contract, keyring):
    # Extract as of 2024-03-31: child B 2 care days of service 3 in 2023 × 646.13 = 1292.26.
    load(files, contract, keyring)
    create_statement("helsinki", 2023, actor=ACTOR)
    approved = approve_statement("helsinki", 2023, actor=ACTOR)
    assert approved.invoice_total == Decimal("4000.00") + Decimal("2707.74")

    # The corrected extract (as of 2024-06-30) adds child A's 10 days of family care in May
    # 2023: 10 × 91.54 = 915.40, so A's 2023 payment falls from 4000.00 to 3084.60.
    import_register(
        files["corrected"], contract, as_of=date(2024, 6, 30), actor=ACTOR, keyring=keyring
    )
    statement_2024 = create_statement("helsinki", 2024, actor=ACTOR)
    adjustment = Adjustment.objects.get(statement=statement_2024)
    pseudonym_a = identity.pseudonymise(CHILD_A, "helsinki", keyring)
    assert adjustment.child.pseudonym == pseudonym_a
    assert adjustment.year == 2023
    assert adjustment.approved_payment == Decimal("4000.00")
    assert adjustment.recomputed_payment == Decimal("3084.60")
    assert adjustment.difference == Decimal("-915.40")
    # 2024: both children in follow-up all year (366/366), no use: 2 × 4000.00.
    assert statement_2024.payable == Decimal("8000.00")
    assert statement_2024.invoice_total == Decimal("7084.60")
    # The approved 2023 statement is unchanged.
    approved.refresh_from_db()
    assert approved.invoice_total == Decimal("6707.74")
    assert approved.extracts[0]["sha256"] == RegisterImport.objects.order_by("id")[0].sha256

    # Once the 2024 statement with its adjustment is approved, a 2025 statement adjusts no more.
    approve_statement("helsinki", 2024, actor=ACTOR)
    statement_2025 = create_statement("helsinki", 2025, actor=ACTOR)
    assert not Adjustment.objects.filter(statement=statement_2025).exists()


def test_statement__records_what_is_needed_to_reproduce_it(files, contract, keyring):
    load(files, contract, keyring)
    statement = create_statement("helsinki", 2023, actor=ACTOR)
    assert statement.contract_sha256 == contract.sha256
    assert statement.contract_version == 1
    assert len(statement.price_list_sha256) == 64
    assert statement.extracts == [
        {
            "file": files["first"].name,
            "sha256": RegisterImport.objects.get().sha256,
            "as_of": "2024-03-31",
            "services": list(range(1, 10)),
        }
    ]


def test_supersede__newer_extract_replaces_older_only_for_its_services(
    files, contract, keyring, tmp_path: Path
):
    load(files, contract, keyring)
    school = tmp_path / "school.csv"
    school.write_text(f"hetu,service,start,end\n{CHILD_A},9,2023-09-01,2023-09-30\n", "utf-8")
    import_register(
        school, contract, as_of=date(2024, 5, 31), actor=ACTOR, services=[9], keyring=keyring
    )
    episodes, imports, as_of = imports_store.stored_episodes("helsinki")
    assert sorted((e.service, e.start) for e in episodes) == [
        (3, date(2023, 3, 1)),
        (9, date(2023, 9, 1)),
    ]
    assert len(imports) == 2
    assert as_of == date(2024, 3, 31)  # the earliest as-of date of the extracts in use


def test_audit__chain_verifies_and_detects_an_edited_entry(files, contract, keyring):
    load(files, contract, keyring)
    result = audit_log.verify()
    assert result.ok
    assert result.entries == 2
    entry = AuditEntry.objects.order_by("id").first()
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.all().delete()
    # Someone with database rights disables the guard and edits an entry:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER audit_no_update")
        else:
            cursor.execute("ALTER TABLE audit_auditentry DISABLE TRIGGER audit_append_only")
        cursor.execute(
            "UPDATE audit_auditentry SET actor = %s WHERE id = %s", ["someone-else", entry.id]
        )
    broken = audit_log.verify()
    assert not broken.ok
    assert broken.bad_entry == entry.id
    assert "was changed after it was written" in broken.problem


def test_audit__database_refuses_to_edit_the_log(files, contract, keyring):
    load(files, contract, keyring)
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET actor = 'x'")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditentry")


def test_rotation__vault_reencrypted_and_pseudonyms_rekeyed_consistently(
    files, contract, keyring, tmp_path: Path, monkeypatch
):
    load(files, contract, keyring)
    create_statement("helsinki", 2023, actor=ACTOR)
    approved = approve_statement("helsinki", 2023, actor=ACTOR)
    lines_before = sorted(
        ChildYearLine.objects.filter(statement=approved).values_list("child_id", "payment")
    )
    new = identity.create_keys()
    result = rotate_keys(keyring, new, actor=ACTOR)
    assert result.entries == 2
    assert result.repseudonymised == 2

    pseudonyms = set(Child.objects.values_list("pseudonym", flat=True))
    assert pseudonyms == {
        identity.pseudonymise(CHILD_A, "helsinki", new),
        identity.pseudonymise(CHILD_B, "helsinki", new),
    }
    for entry in VaultEntry.objects.all():
        with pytest.raises(identity.VaultError):
            identity.unseal(entry.token, keyring)  # the old keys no longer open the vault
        assert identity.unseal(entry.token, new) in (CHILD_A, CHILD_B)
    # The approved statement's figures are untouched; it refers to children, not pseudonyms.
    assert (
        sorted(ChildYearLine.objects.filter(statement=approved).values_list("child_id", "payment"))
        == lines_before
    )
    # New imports with the new keys find the same children.
    path = identity.write_key_file(new, tmp_path / "new-keys.json")
    monkeypatch.setenv("SIBYL_KEY_FILE", str(path))
    again = import_register(
        files["corrected"], contract, as_of=date(2024, 6, 30), actor=ACTOR, keyring=new
    )
    assert again.register_import.outside_cohort == 0
    assert audit_log.verify().ok
