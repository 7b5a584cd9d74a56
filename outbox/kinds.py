"""The kinds of email the outbox sends, registered by the apps that send them.

The outbox knows no app above it: each app tells it, when it is ready, the kinds it sends,
what to call them in the admin, and how to write one for its recipient (a `Writer`
returning the subject, the text and HTML bodies, and optionally a calendar and a reply-to).
A kind "written at once" is written when it is queued, so that a later change cannot alter
what it says (a reviewer's message); the others are written at the first attempt to send,
which keeps the transaction that queues them short.
"""

from collections.abc import Callable, Collection
from dataclasses import dataclass

Writer = Callable[[object, str], dict[str, str]]


@dataclass(frozen=True)
class Kind:
    label: str
    write: Writer
    written_at_once: bool = False


KINDS: dict[str, Kind] = {}


def register(choices, write: Writer, *, written_at_once: Collection[str] = ()) -> None:
    """Called from an app's `ready()` with its TextChoices of kinds."""
    for value, label in choices:
        KINDS[value] = Kind(label=label, write=write, written_at_once=value in written_at_once)


def label(kind: str) -> str:
    return str(KINDS[kind].label) if kind in KINDS else kind


def choices() -> list[tuple[str, str]]:
    return [(value, str(kind.label)) for value, kind in KINDS.items()]


def write(recipient, kind: str) -> dict[str, str]:
    return KINDS[kind].write(recipient, kind)


def is_written_at_once(kind: str) -> bool:
    return KINDS[kind].written_at_once
