"""OutgoingEmail now belongs to the outbox app (outbox 0001): state only, the table stays."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("registration", "0011_badge_sheet_people"),
        ("outbox", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="OutgoingEmail")],
            database_operations=[],
        )
    ]
