"""The outbox's own shape: rows claimed while sent, a recipient of any model, once-only emails, a reply-to.

The column keeps its name (registration_id); the content type moves with the model, so
the groups' permissions and the admin's log follow it.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def reminders_go_once(apps, schema_editor):
    OutgoingEmail = apps.get_model("outbox", "OutgoingEmail")
    OutgoingEmail.objects.filter(kind="reminder").update(once="reminder")


def reply_to_the_secretariat(apps, schema_editor):
    # Rows written before kept their reply-to in the code that sent them: the conference's contact.
    OutgoingEmail = apps.get_model("outbox", "OutgoingEmail")
    Registration = apps.get_model("registration", "Registration")
    contact = Registration.objects.filter(pk=OuterRef("recipient_id")).values("conference__contact_email")[:1]
    OutgoingEmail.objects.filter(reply_to="").exclude(subject="").update(reply_to=Subquery(contact))


def move_content_type(apps, schema_editor, source="registration", target="outbox"):
    ContentType = apps.get_model("contenttypes", "ContentType")
    if not ContentType.objects.filter(app_label=target, model="outgoingemail").exists():
        ContentType.objects.filter(app_label=source, model="outgoingemail").update(app_label=target)


def move_content_type_back(apps, schema_editor):
    move_content_type(apps, schema_editor, source="outbox", target="registration")


class Migration(migrations.Migration):
    dependencies = [
        ("outbox", "0001_initial"),
        ("registration", "0012_outgoing_email_moves_to_the_outbox"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        # First: it names the field by its old name, which the rename below does not follow.
        migrations.RemoveConstraint(model_name="outgoingemail", name="one_reminder_per_registration"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RenameField(model_name="outgoingemail", old_name="registration", new_name="recipient"),
                migrations.AlterField(
                    model_name="outgoingemail",
                    name="recipient",
                    field=models.ForeignKey(
                        db_column="registration_id",
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="emails",
                        to=settings.OUTBOX_RECIPIENT_MODEL,
                        verbose_name="to whom",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterField(
            model_name="outgoingemail",
            name="status",
            field=models.CharField(
                choices=[("queued", "Queued"), ("sending", "Being sent"), ("sent", "Sent"), ("failed", "Failed")],
                default="queued",
                max_length=8,
                verbose_name="status",
            ),
        ),
        migrations.AddField(
            model_name="outgoingemail",
            name="claimed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="sending since"),
        ),
        migrations.AddField(
            model_name="outgoingemail",
            name="reply_to",
            field=models.EmailField(blank=True, max_length=254, verbose_name="reply to"),
        ),
        migrations.AddField(
            model_name="outgoingemail",
            name="once",
            field=models.CharField(blank=True, max_length=24, verbose_name="once per person as"),
        ),
        migrations.RunPython(reminders_go_once, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="outgoingemail",
            constraint=models.UniqueConstraint(
                condition=models.Q(("once", ""), _negated=True),
                fields=("recipient", "once"),
                name="outgoing_email_once_per_recipient",
            ),
        ),
        migrations.RunPython(reply_to_the_secretariat, migrations.RunPython.noop),
        migrations.RunPython(move_content_type, move_content_type_back),
    ]
