"""A referral's answers as data: the answers to the contract's own referral items in one JSON
column (``answers``, item → true/false) instead of the eight boolean columns of the Helsinki
criteria, so that each contract asks its own questions.

Every stored answer is copied: each row's eight booleans become its ``answers`` under the
columns' names (the Helsinki items), before the columns are dropped. Back again, the answers to
those eight items are copied into the columns (an answer to another item is dropped; an item not
answered is false).

Triggers: on SQLite, adding a NOT NULL column rebuilds ``cohort_referral`` (a new table, the rows
copied, the old table dropped), and dropping a table drops its triggers. No trigger is on this
table or refers to it (``sibyl.web.triggers``: the statements', their lines' and the audit log's
tables only), so none is lost; the eight columns go by ALTER TABLE DROP COLUMN, which keeps the
table. ``tests/web/test_referral_answers_migration.py`` checks that every trigger is still there.
"""

from django.db import migrations, models

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
"""The eight boolean columns of migration 0002, which are the Helsinki contract's items."""

BATCH = 500


def answers_from_columns(apps, schema_editor) -> None:
    Referral = apps.get_model("cohort", "Referral")
    rows = list(Referral.objects.using(schema_editor.connection.alias).order_by("pk"))
    for row in rows:
        row.answers = {item: bool(getattr(row, item)) for item in ITEMS}
    Referral.objects.using(schema_editor.connection.alias).bulk_update(
        rows, ["answers"], batch_size=BATCH
    )


def columns_from_answers(apps, schema_editor) -> None:
    Referral = apps.get_model("cohort", "Referral")
    rows = list(Referral.objects.using(schema_editor.connection.alias).order_by("pk"))
    for row in rows:
        answers = row.answers or {}
        for item in ITEMS:
            setattr(row, item, bool(answers.get(item, False)))
    Referral.objects.using(schema_editor.connection.alias).bulk_update(
        rows, list(ITEMS), batch_size=BATCH
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cohort", "0002_referrals_enrolment_activity"),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="answers",
            field=models.JSONField(
                default=dict,
                help_text="the answers to the contract's referral items: item → true/false",
            ),
        ),
        migrations.RunPython(answers_from_columns, columns_from_answers, elidable=False),
        # A default (no change in the database) so that going back can add the columns again.
        *(
            migrations.AlterField(
                model_name="referral", name=item, field=models.BooleanField(default=False)
            )
            for item in ITEMS
        ),
        *(migrations.RemoveField(model_name="referral", name=item) for item in ITEMS),
    ]
