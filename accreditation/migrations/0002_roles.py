"""The press office's role, and the organisers' for what exists so far.

Accreditation reviewers see and decide on media requests, their documents and the press
lists, and hand badges over; nothing of the other registrations. Organisers run the
event: everything in the agenda, registration and accreditation apps, but no users or groups.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

REVIEWERS = "Accreditation reviewers"
ORGANISERS = "Organisers"
EVENT_APPS = ("agenda", "registration", "accreditation")
REVIEWER_PERMISSIONS = (
    "view_accreditationrequest",
    "review_accreditationrequest",
    "record_badge_pickup",
    "view_accreditationdecision",
)


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations ran; these groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0, using=schema_editor.connection.alias)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    reviewers, _ = Group.objects.get_or_create(name=REVIEWERS)
    reviewers.permissions.add(
        *Permission.objects.filter(content_type__app_label="accreditation", codename__in=REVIEWER_PERMISSIONS)
    )
    organisers, _ = Group.objects.get_or_create(name=ORGANISERS)
    organisers.permissions.add(*Permission.objects.filter(content_type__app_label__in=EVENT_APPS))


class Migration(migrations.Migration):
    dependencies = [
        ("accreditation", "0001_initial"),
        ("agenda", "0003_conference_media_capacity"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    # Going back leaves the groups: "Organisers" may have been there before, with members.
    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
