"""Documents that passed their checks on a form that did not, kept so nobody chooses them twice.

A browser never refills a file input. When a media application comes back with an error
elsewhere (a phone number, say), each document that passed its checks is stored under
held/ and the form carries a signed token for it; sent again without a new file, the
held one is used. A token names its file and the field it was checked for, signed
together: nobody can name another applicant's file, nor offer a PDF checked as a letter as
their photo. Held files nobody came back for are swept away after HELD_FOR; each visitor
may have only a few held at a time, and the folder as a whole has a ceiling, so failed
posts cannot fill the disk.
"""

import contextlib
import logging
import secrets
from datetime import timedelta
from pathlib import PurePosixPath

from django.conf import settings
from django.core import signing
from django.core.cache import caches
from django.core.files import File
from django.utils import timezone

from wpsconf.storage import private_storage

SALT = "accreditation.held-document"
logger = logging.getLogger(__name__)

FOLDER = "held"
HELD_FOR = timedelta(hours=6)
# Three forms' worth of documents per visitor within HELD_FOR, and 200 MB for everyone.
MOST_PER_VISITOR = 9
MOST_BYTES = 200 * 1024 * 1024


def hold(file: File, *, field: str, visitor: str) -> str | None:
    """Store a checked document for a later post of the same form; the token that names it,
    or None when this visitor, or everyone together, holds as much as may be held."""
    if held_bytes() + file.size > MOST_BYTES:
        return None
    name = f"{FOLDER}/{secrets.token_urlsafe(24)}{PurePosixPath(file.name).suffix}"
    try:
        name = private_storage.save(name, file)
    except OSError:
        logger.warning("a checked document could not be held: private storage failed")
        release([name])  # a file half-written when the disk filled
        return None  # the visitor chooses the file again
    if not counted_for(visitor):  # counted once stored: a failed write costs the visitor nothing
        release([name])
        return None
    return signing.dumps({"field": field, "name": name}, salt=SALT)


def counted_for(visitor: str) -> bool:
    """One more held document for this visitor, if they have room for it."""
    key = f"held-documents:{visitor}"
    counters = caches[settings.COUNTERS_CACHE]  # counts on in process memory while Redis is away
    counters.add(key, 0, timeout=int(HELD_FOR.total_seconds()))
    return counters.incr(key) <= MOST_PER_VISITOR


def held_bytes() -> int:
    if not private_storage.exists(FOLDER):
        return 0
    _folders, files = private_storage.listdir(FOLDER)
    return sum(private_storage.size(f"{FOLDER}/{file}") for file in files)


def held_name(token: str, *, field: str) -> str | None:
    """The stored name a genuine, recent token for this field stands for, while its file is still there."""
    try:
        held = signing.loads(token, salt=SALT, max_age=HELD_FOR)
    except signing.BadSignature:
        return None
    if not isinstance(held, dict) or held.get("field") != field:
        return None
    name = held.get("name", "")
    if not name.startswith(f"{FOLDER}/") or not private_storage.exists(name):
        return None
    return name


def release(names) -> None:
    for name in names:
        with contextlib.suppress(OSError):  # on a failing disk, deleting may fail too
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
