from django.db import migrations

from sibyl.web.triggers import create_statement_triggers


class Migration(migrations.Migration):
    dependencies = [("statements", "0001_initial")]
    operations = [migrations.RunPython(create_statement_triggers, migrations.RunPython.noop)]
