"""Documents that passed their checks on a form that did not, kept so nobody chooses them twice.

A browser never refills a file input. When a media application comes back with an error
elsewhere (a phone number, say), each document that passed its checks is stored under
held/ and the form carries a signed token for it; sent again without a new file, the
held one is used. Tokens are signed, so nobody can name another applicant's file, and
held files that nobody came back for are swept away after HELD_FOR.
"""

import secrets
from datetime import timedelta
from pathlib import PurePosixPath

from django.core import signing
from django.core.files import File
from django.utils import timezone

from wpsconf.storage import private_storage

SALT = "accreditation.held-document"
FOLDER = "held"
HELD_FOR = timedelta(hours=6)


def hold(file: File) -> str:
    """Store a checked document for a later post of the same form; the token that names it."""
    suffix = PurePosixPath(file.name).suffix
    name = private_storage.save(f"{FOLDER}/{secrets.token_urlsafe(24)}{suffix}", file)
    return signing.dumps(name, salt=SALT)


def held_name(token: str) -> str | None:
    """The stored name a genuine, recent token stands for, while its file is still there."""
    try:
        name = signing.loads(token, salt=SALT, max_age=HELD_FOR)
    except signing.BadSignature:
        return None
    if not name.startswith(f"{FOLDER}/") or not private_storage.exists(name):
        return None
    return name


def release(names) -> None:
    for name in names:
        private_storage.delete(name)


def sweep(now=None) -> int:
    """Delete held documents older than HELD_FOR; how many."""
    if not private_storage.exists(FOLDER):
        return 0
    cutoff = (now or timezone.now()) - HELD_FOR
    _folders, files = private_storage.listdir(FOLDER)
    stale = [f"{FOLDER}/{file}" for file in files if private_storage.get_modified_time(f"{FOLDER}/{file}") < cutoff]
    release(stale)
    return len(stale)
