from django.db import migrations


class Migration(migrations.Migration):
    """A review step names its accreditation request `accreditation`: `request` is the HTTP request's name."""

    dependencies = [("accreditation", "0003_audit_history")]

    operations = [migrations.RenameField("accreditationdecision", "request", "accreditation")]
