"""The outbox takes over registration's table of emails, rows and all: state only, no SQL.

The model is described here as it stood in registration (0011); 0002 then changes it.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("registration", "0011_badge_sheet_people")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OutgoingEmail",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(max_length=24, verbose_name="kind")),
                        ("to", models.EmailField(max_length=254, verbose_name="to")),
                        ("language", models.CharField(max_length=8, verbose_name="language")),
                        ("subject", models.CharField(blank=True, max_length=300, verbose_name="subject")),
                        ("body_text", models.TextField(blank=True, verbose_name="text")),
                        ("body_html", models.TextField(blank=True, verbose_name="HTML")),
                        ("calendar", models.TextField(blank=True, verbose_name="calendar attachment")),
                        (
                            "status",
                            models.CharField(
                                choices=[("queued", "Queued"), ("sent", "Sent"), ("failed", "Failed")],
                                default="queued",
                                max_length=8,
                                verbose_name="status",
                            ),
                        ),
                        ("attempts", models.PositiveSmallIntegerField(default=0, verbose_name="attempts")),
                        ("last_error", models.CharField(blank=True, max_length=300, verbose_name="last error")),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="queued at")),
                        ("next_attempt_at", models.DateTimeField(blank=True, null=True, verbose_name="next attempt at")),
                        ("sent_at", models.DateTimeField(blank=True, null=True, verbose_name="sent at")),
                        (
                            "registration",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="emails",
                                to="registration.registration",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "email",
                        "verbose_name_plural": "emails",
                        "ordering": ["-created_at", "-pk"],
                        "db_table": "registration_outgoingemail",
                        "indexes": [models.Index(fields=["status", "next_attempt_at"], name="outgoing_email_due_idx")],
                        "constraints": [
                            models.UniqueConstraint(
                                condition=models.Q(("kind", "reminder")),
                                fields=("registration",),
                                name="one_reminder_per_registration",
                            )
                        ],
                    },
                )
            ],
            database_operations=[],
        )
    ]
