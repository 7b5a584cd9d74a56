"""Backing up and restoring everything that matters: the database and the private documents.

A backup is a folder: `database.dump` (PostgreSQL's custom format, from `pg_dump`) or
`database.sqlite3` (SQLite's own online backup), `private.tar.gz` (the documents media
applicants sent, the badge sheets), and `manifest.json` (when, from which database kind,
and how many registrations, emails and documents it holds, to check a restore against).
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from accreditation.models import DOCUMENT_FIELDS, AccreditationRequest
from outbox.models import OutgoingEmail
from registration.models import Registration

MANIFEST = "manifest.json"
# Python's own guard against links and absolute paths in an archive (3.11.4 and later).
EXTRACT_SAFELY = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
PRIVATE_ARCHIVE = "private.tar.gz"


def postgres_environment(database: dict) -> dict[str, str]:
    """libpq's variables for pg_dump and pg_restore: the password never appears on a command line."""
    variables = {
        "PGHOST": database.get("HOST") or "",
        "PGPORT": str(database.get("PORT") or ""),
        "PGUSER": database.get("USER") or "",
        "PGPASSWORD": database.get("PASSWORD") or "",
        "PGDATABASE": database["NAME"],
    }
    return {**os.environ, **{name: value for name, value in variables.items() if value}}


def counts() -> dict[str, int]:
    documents = sum(AccreditationRequest.objects.exclude(**{field: ""}).count() for field in DOCUMENT_FIELDS)
    return {
        "registrations": Registration.objects.count(),
        "emails": OutgoingEmail.objects.count(),
        "documents": documents,
    }


def back_up(parent: Path) -> Path:
    """Write a new backup folder under `parent`, readable by its owner alone (it holds everyone's data)."""
    folder = Path(parent) / f"wpsconf-{timezone.now():%Y%m%dT%H%M%SZ}"
    Path(parent).mkdir(parents=True, exist_ok=True)
    folder.mkdir(mode=0o700)
    database = settings.DATABASES["default"]
    # Counted first: the dump that follows holds at least these (a restore is checked against them).
    manifest = {"made_at": timezone.now().isoformat(), "database": connection.vendor, "counts": counts()}
    previous_umask = os.umask(0o077)
    try:
        write_backup(folder, database)
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2))
    finally:
        os.umask(previous_umask)
    return folder


def write_backup(folder: Path, database: dict) -> None:
    if connection.vendor == "postgresql":
        subprocess.run(  # noqa: S603
            [
                shutil.which("pg_dump") or "pg_dump",
                "--format=custom",
                "--no-owner",
                f"--file={folder / 'database.dump'}",
            ],
            env=postgres_environment(database),
            check=True,
        )
    else:
        connection.ensure_connection()
        with sqlite3.connect(folder / "database.sqlite3") as copy:
            connection.connection.backup(copy)
    private = Path(settings.PRIVATE_MEDIA_ROOT)
    with tarfile.open(folder / PRIVATE_ARCHIVE, "w:gz") as archive:
        if private.exists():
            archive.add(private, arcname="private")


def restore(folder: Path, *, database: dict, private_root: Path) -> dict:
    """Restore a backup folder into `database` (a Django DATABASES entry) and `private_root`; its manifest."""
    folder = Path(folder)
    manifest = json.loads((folder / MANIFEST).read_text())
    if manifest["database"] == "postgresql":
        subprocess.run(  # noqa: S603
            [
                shutil.which("pg_restore") or "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",  # all of it or nothing: never a half-restored database
                "--exit-on-error",
                f"--dbname={database['NAME']}",
                str(folder / "database.dump"),
            ],
            env=postgres_environment(database),
            check=True,
        )
    else:
        # SQLite's own backup, page by page into the database file: never a copy over a file in use.
        with sqlite3.connect(folder / "database.sqlite3") as source, sqlite3.connect(database["NAME"]) as target:
            source.backup(target)
    replace_documents(folder / PRIVATE_ARCHIVE, Path(private_root))
    return manifest


def replace_documents(archive_path: Path, private_root: Path) -> None:
    """The documents folder becomes the backup's: files written since go (nothing refers to them)."""
    incoming = private_root.with_name(private_root.name + ".restoring")
    shutil.rmtree(incoming, ignore_errors=True)
    incoming.mkdir(parents=True, mode=0o700)
    root = incoming.resolve()
    with tarfile.open(archive_path, "r:gz") as archive:
        for member in archive.getmembers():
            if not (member.isfile() or member.isdir()) or not member.name.startswith("private"):
                continue  # only the documents folder, as it was written: no links, no devices
            member.name = member.name.removeprefix("private").lstrip("/") or "."
            if not (root / member.name).resolve().is_relative_to(root):
                continue  # a name that climbs out of the folder
            archive.extract(member, incoming, **EXTRACT_SAFELY)
    previous = private_root.with_name(private_root.name + ".replaced")
    shutil.rmtree(previous, ignore_errors=True)
    if private_root.exists():
        private_root.rename(previous)
    incoming.rename(private_root)
    shutil.rmtree(previous, ignore_errors=True)
