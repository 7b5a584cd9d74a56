"""Production serves static files through WhiteNoise's manifest storage, Bootstrap included."""

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_it_renders_pages_with_hashed_static_files_after_collectstatic(client, settings, tmp_path, conference_2023):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

    call_command("collectstatic", "--noinput", verbosity=0)
    html = client.get("/").content.decode()

    assert (tmp_path / "staticfiles.json").exists()
    assert any(path.name.startswith("bootstrap.min.") and path.suffix == ".css" for path in tmp_path.rglob("*.css"))
    assert "/static/vendor/bootstrap/bootstrap.min." in html
    assert 'bootstrap.min.css"' not in html  # the hashed name, not the plain one
