"""Door staff: people who check others in at the door, and may do nothing else.

Organisers, created before these permissions existed, get them too: check-in and badge sheets.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

DOOR_STAFF = "Door staff"
ORGANISERS = "Organisers"


def create_door_staff(apps, schema_editor):
    # Permissions are normally created after all migrations ran; this group needs its one now.
    registration = apps.get_app_config("registration")
    registration.models_module = True
    create_permissions(registration, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    registration.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    check_in = Permission.objects.get(content_type__app_label="registration", codename="check_in_registration")
    door_staff, _ = Group.objects.get_or_create(name=DOOR_STAFF)
    door_staff.permissions.set([check_in])
    badge_sheets = Permission.objects.filter(content_type__app_label="registration", codename__endswith="_badgesheet")
    for organisers in Group.objects.filter(name=ORGANISERS):
        organisers.permissions.add(check_in, *badge_sheets)


class Migration(migrations.Migration):
    dependencies = [
        ("registration", "0003_check_in_and_badge_sheets"),
        ("accreditation", "0002_roles"),
    ]

    # Going back leaves the group: people may have been put in it.
    operations = [migrations.RunPython(create_door_staff, migrations.RunPython.noop)]
