"""Database triggers that refuse changes to approved statements and to the audit log.

Defence in depth below the models: even raw SQL through Django cannot change what was approved
or logged. SQLite and PostgreSQL are supported; other databases rely on the model guards.
"""

from __future__ import annotations

LINE_TABLES = ("statements_childyearline", "statements_deductionline", "statements_adjustment")
"""The line tables of migration 0002 (fixed: a later table gets its triggers in its own
migration, by :func:`create_line_triggers`)."""

STATEMENT_MESSAGE = "an approved statement cannot be changed"
LINE_MESSAGE = "the lines of an approved statement cannot be changed"
AUDIT_MESSAGE = "audit entries cannot be changed"


def _sqlite_statements() -> list[str]:
    sql = [
        f"""CREATE TRIGGER statement_approved_no_update BEFORE UPDATE ON statements_statement
        WHEN OLD.status = 'approved' BEGIN SELECT RAISE(ABORT, '{STATEMENT_MESSAGE}'); END""",
        f"""CREATE TRIGGER statement_approved_no_delete BEFORE DELETE ON statements_statement
        WHEN OLD.status = 'approved' BEGIN SELECT RAISE(ABORT, '{STATEMENT_MESSAGE}'); END""",
    ]
    for table in LINE_TABLES:
        sql += _sqlite_line(table)
    return sql


def _sqlite_line(table: str) -> list[str]:
    approved = (
        "(SELECT status FROM statements_statement WHERE id = {row}.statement_id) = 'approved'"
    )
    return [
        f"""CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table}
        WHEN {approved.format(row=row)}
        BEGIN SELECT RAISE(ABORT, '{LINE_MESSAGE}'); END"""
        for event, row in (("INSERT", "NEW"), ("UPDATE", "OLD"), ("DELETE", "OLD"))
    ]


def _postgres_line(table: str) -> list[str]:
    return [
        f"""CREATE TRIGGER {table}_frozen BEFORE INSERT OR UPDATE OR DELETE ON {table}
        FOR EACH ROW EXECUTE FUNCTION sibyl_line_guard()"""
    ]


def _sqlite_audit() -> list[str]:
    return [
        f"""CREATE TRIGGER audit_no_{event.lower()} BEFORE {event} ON audit_auditentry
        BEGIN SELECT RAISE(ABORT, '{AUDIT_MESSAGE}'); END"""
        for event in ("UPDATE", "DELETE")
    ]


def _postgres_statements() -> list[str]:
    sql = [
        """CREATE OR REPLACE FUNCTION sibyl_refuse() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$ LANGUAGE plpgsql""",
        f"""CREATE TRIGGER statement_approved_frozen BEFORE UPDATE OR DELETE
        ON statements_statement FOR EACH ROW WHEN (OLD.status = 'approved')
        EXECUTE FUNCTION sibyl_refuse('{STATEMENT_MESSAGE}')""",
        f"""CREATE OR REPLACE FUNCTION sibyl_line_guard() RETURNS trigger AS $$
        DECLARE sid bigint;
        BEGIN
            IF TG_OP = 'INSERT' THEN sid := NEW.statement_id; ELSE sid := OLD.statement_id; END IF;
            IF EXISTS (SELECT 1 FROM statements_statement WHERE id = sid AND status = 'approved')
            THEN RAISE EXCEPTION '{LINE_MESSAGE}'; END IF;
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END $$ LANGUAGE plpgsql""",
    ]
    for table in LINE_TABLES:
        sql += _postgres_line(table)
    return sql


def _postgres_audit() -> list[str]:
    return [
        """CREATE OR REPLACE FUNCTION sibyl_refuse() RETURNS trigger AS $$
        BEGIN RAISE EXCEPTION '%', TG_ARGV[0]; END $$ LANGUAGE plpgsql""",
        f"""CREATE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit_auditentry
        FOR EACH ROW EXECUTE FUNCTION sibyl_refuse('{AUDIT_MESSAGE}')""",
    ]


def _run(schema_editor, statements: list[str]) -> None:
    for sql in statements:
        schema_editor.execute(sql, params=None)  # no placeholders: "%" is literal


def create_statement_triggers(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, _sqlite_statements())
    elif vendor == "postgresql":
        _run(schema_editor, _postgres_statements())


def create_audit_triggers(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        _run(schema_editor, _sqlite_audit())
    elif vendor == "postgresql":
        _run(schema_editor, _postgres_audit())


def create_line_triggers(*tables: str):
    """A migration operation's function: the line triggers of approved statements on ``tables``
    (which must exist; the guard function of migration 0002 is reused on PostgreSQL)."""

    def create(apps, schema_editor) -> None:
        vendor = schema_editor.connection.vendor
        for table in tables:
            if vendor == "sqlite":
                _run(schema_editor, _sqlite_line(table))
            elif vendor == "postgresql":
                _run(schema_editor, _postgres_line(table))

    return create
