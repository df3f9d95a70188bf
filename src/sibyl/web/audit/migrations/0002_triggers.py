from django.db import migrations

from sibyl.web.triggers import create_audit_triggers


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(create_audit_triggers, migrations.RunPython.noop)]
