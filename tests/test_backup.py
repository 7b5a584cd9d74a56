"""A backup restored into a fresh database holds every registration, email row and document."""

import sqlite3
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from psycopg import sql

from accreditation.models import DOCUMENT_FIELDS
from backoffice.backups import counts, restore
from tests.factories import apply_for_accreditation, register
from tests.processes import throwaway_database

TABLES = {
    "registrations": "registration_registration",
    "emails": "registration_outgoingemail",
    "applications": "accreditation_accreditationrequest",
}


@pytest.fixture
def people(transactional_db, registration_open):
    """Committed, so that pg_dump, another process, sees them."""
    register(registration_open, "aigerim@example.org")
    register(registration_open, "dilnoza@example.org", country="UZ")
    application = apply_for_accreditation(registration_open)
    return [getattr(application, field).name for field in DOCUMENT_FIELDS if getattr(application, field)]


def back_up(directory: Path) -> Path:
    call_command("backup", str(directory))
    [folder] = directory.iterdir()
    return folder


def assert_documents_restored(private_root: Path, documents: list[str]) -> None:
    assert documents
    for name in documents:
        assert (private_root / name).read_bytes() == (Path(settings.PRIVATE_MEDIA_ROOT) / name).read_bytes()


def restored_into_fresh_postgres(folder: Path, private_root: Path) -> tuple[dict, dict[str, int]]:
    with throwaway_database("restore") as url:
        fresh = {**connection.settings_dict, "NAME": url.rsplit("/", 1)[1]}
        manifest = restore(folder, database=fresh, private_root=private_root)
        with psycopg.connect(url) as restored:
            count = "SELECT COUNT(*) FROM {}"
            found = {
                name: restored.execute(sql.SQL(count).format(sql.Identifier(table))).fetchone()[0]
                for name, table in TABLES.items()
            }
    return manifest, found


def restored_into_fresh_sqlite(folder: Path, private_root: Path) -> tuple[dict, dict[str, int]]:
    copy = private_root.parent / "restored.sqlite3"
    manifest = restore(folder, database={"NAME": str(copy)}, private_root=private_root)
    with sqlite3.connect(copy) as restored:
        found = {
            name: restored.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608  (our table names)
            for name, table in TABLES.items()
        }
    return manifest, found


def test_a_backup_restores_into_a_fresh_database_with_every_row_and_document(people, tmp_path):
    """On PostgreSQL in CI (pg_dump, pg_restore), on SQLite on a fresh machine (SQLite's backup)."""
    expected = counts()
    folder = back_up(tmp_path / "backups")
    restore_into = restored_into_fresh_postgres if connection.vendor == "postgresql" else restored_into_fresh_sqlite

    written_since = tmp_path / "restored" / "accreditation" / "written-after-the-backup.pdf"
    written_since.parent.mkdir(parents=True)
    written_since.write_bytes(b"%PDF-1.4")

    manifest, found = restore_into(folder, tmp_path / "restored")

    assert manifest["counts"] == expected
    assert expected["emails"] >= 3
    assert found == {"registrations": 3, "emails": expected["emails"], "applications": 1}
    assert_documents_restored(tmp_path / "restored", people)
    assert not written_since.exists()  # the documents folder is the backup's
    assert folder.stat().st_mode & 0o777 == 0o700  # everyone's data: its owner's alone
    assert {path.stat().st_mode & 0o077 for path in folder.iterdir()} == {0}


def test_restore_refuses_a_folder_that_is_not_a_backup(tmp_path, db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="not a backup folder"):
        call_command("restore", str(tmp_path), "--yes")
