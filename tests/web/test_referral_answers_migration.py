"""Migration cohort 0003: a referral's eight boolean columns become its ``answers`` (item →
true/false), every stored answer kept, there and back, and no database trigger lost on the way
(SQLite rebuilds a table for some changes, and dropping a table drops its triggers)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("cohort", "0002_referrals_enrolment_activity")]
AFTER = [("cohort", "0003_referral_answers")]
ITEMS = (
    "concentration",
    "behaviour",
    "social_interaction",
    "emotional_life",
    "parent_no_education",
    "parent_out_of_work",
    "parenting_difficulties",
    "stressful_life_situation",
)

pytestmark = pytest.mark.django_db(transaction=True)


def triggers() -> set[tuple[str, str]]:
    """Every trigger of the database as (table, trigger)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT tbl_name, name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute(
                "SELECT tgrelid::regclass::text, tgname FROM pg_trigger WHERE NOT tgisinternal"
            )
        return set(cursor.fetchall())


def migrate(targets) -> object:
    """Migrate to ``targets``; the historical models there."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection).loader.project_state(targets).apps


def latest() -> list[tuple[str, str]]:
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def referral(apps, referral_id: str, **fields):
    Child = apps.get_model("cohort", "Child")
    Referral = apps.get_model("cohort", "Referral")
    child = Child.objects.create(contract_id="helsinki", pseudonym=f"ps-{referral_id}")
    return Referral.objects.create(
        contract_id="helsinki",
        referral_id=referral_id,
        child=child,
        referred_on=date(2022, 3, 1),
        referrer="referrer",
        source="child_health_clinic",
        district="Vuosaari",
        ongoing_services=[],
        eligible=True,
        failed=[],
        criteria=[],
        **fields,
    )


def test_migration__keeps_every_answer_and_every_trigger():
    everything = latest()
    at_start = triggers()
    assert any(table == "audit_auditentry" for table, _name in at_start)
    assert any(table == "statements_statement" for table, _name in at_start)

    # A store of today, back to the eight columns: each answer is copied into its column.
    apps = migrate(AFTER)
    referral(apps, "NEW", answers={"concentration": True, "parent_out_of_work": True})
    apps = migrate(BEFORE)
    assert triggers() == at_start
    old = apps.get_model("cohort", "Referral").objects.get(referral_id="NEW")
    assert {item for item in ITEMS if getattr(old, item)} == {
        "concentration",
        "parent_out_of_work",
    }

    # A store made before the change: every row's eight values become its answers.
    patterns = {
        "ALL": dict.fromkeys(ITEMS, True),
        "NONE": dict.fromkeys(ITEMS, False),
        "SOME": {item: index % 3 == 0 for index, item in enumerate(ITEMS)},
    }
    for referral_id, values in patterns.items():
        referral(apps, referral_id, **values)
    apps = migrate(everything)
    assert triggers() == at_start
    Referral = apps.get_model("cohort", "Referral")
    assert {row.referral_id: row.answers for row in Referral.objects.all()} == {
        "NEW": {
            **dict.fromkeys(ITEMS, False),
            "concentration": True,
            "parent_out_of_work": True,
        },
        **patterns,
    }
    assert not any(hasattr(row, "concentration") for row in Referral.objects.all())
