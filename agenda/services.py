"""The programme as the pages show it: its sessions in a fixed number of queries, grouped by start, now and next."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import groupby

from django.db.models import Prefetch, QuerySet

from agenda.models import Conference, Session, SessionSpeaker


def programme(conference: Conference) -> QuerySet[Session]:
    """The conference's sessions with everything the pages print, in a fixed number of queries."""
    appearances = SessionSpeaker.objects.select_related("speaker").order_by("order", "pk")
    return (
        conference.sessions.select_related("room")
        .prefetch_related(Prefetch("appearances", queryset=appearances))
        .order_by("starts_at", "ends_at", "room__name", "pk")
    )


@dataclass(frozen=True)
class TimeSlot:
    starts_at: datetime
    sessions: list[Session]


def time_slots(sessions: Iterable[Session]) -> list[TimeSlot]:
    """Sessions grouped by their start time, for sessions that run side by side."""
    return [TimeSlot(start, list(group)) for start, group in groupby(sessions, key=lambda s: s.starts_at)]


@dataclass(frozen=True)
class NowAndNext:
    now: Session | None
    next: Session | None


def now_and_next(conference: Conference, sessions: Sequence[Session], moment: datetime) -> NowAndNext:
    """What runs at `moment` and what comes next, only on the conference's own local day."""
    if conference.local(moment).date() != conference.local_date:
        return NowAndNext(None, None)
    running = next((s for s in sessions if s.starts_at <= moment < s.ends_at), None)
    upcoming = next((s for s in sessions if s.starts_at > moment), None)
    return NowAndNext(running, upcoming)


def sessions_overlapping_in_rooms(sessions: Sequence[Session]) -> list[tuple[Session, Session]]:
    """Pairs among not-yet-saved sessions that would share a room at the same time."""
    clashes = []
    for index, first in enumerate(sessions):
        for second in sessions[index + 1 :]:
            if first.room_id and first.room_id == second.room_id and first.overlaps(second):
                clashes.append((first, second))
    return clashes
