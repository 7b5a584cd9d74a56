"""Roles for what came with corrections of identity and the audit history.

Organisers hold every permission of the event apps again, the new models' included
(corrections, the audit history, "lost link" requests). Accreditation reviewers see and
decide the corrections of the media they accredited (the admin shows them no one else's).
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

ORGANISERS = "Organisers"
REVIEWERS = "Accreditation reviewers"
EVENT_APPS = ("agenda", "registration", "accreditation")
REVIEWER_PERMISSIONS = ("view_identitycorrection", "review_identitycorrection")


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations ran; these groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for organisers in Group.objects.filter(name=ORGANISERS):
        organisers.permissions.add(*Permission.objects.filter(content_type__app_label__in=EVENT_APPS))
    for reviewers in Group.objects.filter(name=REVIEWERS):
        reviewers.permissions.add(
            *Permission.objects.filter(content_type__app_label="registration", codename__in=REVIEWER_PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("registration", "0009_identity_corrections"),
        ("accreditation", "0003_audit_history"),
        ("agenda", "0006_organisers_outcome_documents"),
    ]

    # Going back leaves the permissions where they are: the groups may have been changed since.
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
