"""Organisers, created before outcome documents existed, may manage them too."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def let_organisers_manage_outcome_documents(apps, schema_editor):
    # Permissions are normally created after all migrations ran; the group needs these now.
    agenda = apps.get_app_config("agenda")
    agenda.models_module = True
    create_permissions(agenda, apps=apps, verbosity=0, using=schema_editor.connection.alias)
    agenda.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(content_type__app_label="agenda", codename__endswith="_outcomedocument")
    for organisers in Group.objects.filter(name="Organisers"):
        organisers.permissions.add(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("agenda", "0005_outcome_documents"),
        ("accreditation", "0002_roles"),
    ]

    # Going back leaves the permissions: they go with the model when 0005 is reversed.
    operations = [migrations.RunPython(let_organisers_manage_outcome_documents, migrations.RunPython.noop)]
