"""Organisers create, review and erase delegations."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations ran; the group needs these now.
    delegations = apps.get_app_config("delegations")
    delegations.models_module = True
    create_permissions(delegations, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    delegations.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="delegations", content_type__model__in=("delegation", "delegationmember")
    )
    for organisers in Group.objects.filter(name="Organisers"):
        organisers.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("delegations", "0001_initial"),
        ("accreditation", "0002_roles"),
    ]

    # Going back leaves the permissions: they go with the models when 0001 is reversed.
    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
