"""The programme as the pages show it: its sessions in a fixed number of queries, grouped by start, now and next."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from itertools import groupby

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from agenda.middleware import presented
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


def shifted(moment: datetime | None, zone: tzinfo, days: int) -> datetime | None:
    """The same local time `days` later in `zone` (a change of offset in between keeps the wall clock)."""
    if moment is None:
        return None
    local = moment.astimezone(zone)
    return datetime.combine(local.date() + timedelta(days=days), local.time(), tzinfo=zone)


@transaction.atomic
def move_conference(conference: Conference, first_day: date) -> None:
    """Move the conference, its registration window and every session to start on `first_day`,
    each at the same local time."""
    conference = Conference.objects.select_for_update().get(pk=conference.pk)
    days = (first_day - conference.local_date).days
    zone = conference.tzinfo
    moved = ["starts_at", "ends_at", "registration_opens_at", "registration_closes_at"]
    for field in moved:
        setattr(conference, field, shifted(getattr(conference, field), zone, days))
    conference.save(update_fields=[*moved, "updated_at"])
    sessions = list(conference.sessions.all())
    for session in sessions:
        session.starts_at = shifted(session.starts_at, zone, days)
        session.ends_at = shifted(session.ends_at, zone, days)
        session.updated_at = timezone.now()
    Session.objects.bulk_update(sessions, ["starts_at", "ends_at", "updated_at"])
    public_pages_changed([conference.pk])


def public_pages_changed(conferences: Iterable[int] | None = None) -> None:
    """What the public pages show has changed: those of these conferences (of all, when None) are
    drawn anew, by every process, at their next visit (agenda.page_cache keys them by `updated_at`)."""
    changed = Conference.objects.all() if conferences is None else Conference.objects.filter(pk__in=list(conferences))
    changed.update(updated_at=timezone.now())
    # This process reads it again once the change is committed; the others within PRESENTED_CONFERENCE_SECONDS.
    transaction.on_commit(presented.forget)
