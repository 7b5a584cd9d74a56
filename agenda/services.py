"""Rules of the programme: where a session may sit in time, and how it is published."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import groupby

import icalendar
from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext as _

from agenda.models import Conference, Session, SessionSpeaker


def overlaps(first: Session, second: Session) -> bool:
    return first.starts_at < second.ends_at and second.starts_at < first.ends_at


def session_schedule_errors(session: Session) -> dict[str, str]:
    """Field errors for a session that ends too early, leaves its day, or clashes in its room."""
    if not (session.starts_at and session.ends_at):
        return {}
    if session.ends_at <= session.starts_at:
        return {"ends_at": _("A session must end after it starts.")}
    conference = session.conference if Session.conference.is_cached(session) or session.conference_id else None
    errors: dict[str, str] = {}
    if conference and conference.starts_at and conference.ends_at:
        if session.starts_at < conference.starts_at:
            errors["starts_at"] = _("The session starts before the conference day begins (%(time)s).") % {
                "time": local_time_label(conference, conference.starts_at)
            }
        if session.ends_at > conference.ends_at:
            errors["ends_at"] = _("The session ends after the conference day ends (%(time)s).") % {
                "time": local_time_label(conference, conference.ends_at)
            }
    if session.room_id and session.conference_id and session.room.conference_id != session.conference_id:
        errors["room"] = _("This room belongs to another conference.")
    elif session.room_id and session.conference_id:
        clash = (
            Session.objects.filter(
                conference_id=session.conference_id,
                room_id=session.room_id,
                starts_at__lt=session.ends_at,
                ends_at__gt=session.starts_at,
            )
            .exclude(pk=session.pk)
            .first()
        )
        if clash:
            errors["room"] = room_clash_message(clash)
    return errors


def room_clash_message(clash: Session) -> str:
    return _("This room is already taken by “%(title)s” from %(start)s to %(end)s.") % {
        "title": clash.title,
        "start": local_time_label(clash.conference, clash.starts_at),
        "end": local_time_label(clash.conference, clash.ends_at),
    }


def local_time_label(conference: Conference, moment: datetime) -> str:
    return conference.local(moment).strftime("%H:%M")


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


def session_location(conference: Conference, session: Session) -> str:
    parts = [session.room.name if session.room else "", conference.venue, conference.city]
    return ", ".join(part for part in parts if part)


def session_as_dict(conference: Conference, session: Session) -> dict:
    return {
        "id": str(session.uid),
        "title": session.title,
        "description": session.description,
        "kind": session.kind,
        "start": conference.local(session.starts_at).isoformat(),
        "end": conference.local(session.ends_at).isoformat(),
        "room": session.room.name if session.room else None,
        "pillar": session.pillar or None,
        "interpretation_languages": session.interpretation_languages,
        "livestreamed": session.is_livestreamed,
        "speakers": [
            {
                "name": appearance.speaker.name,
                "honorific": appearance.speaker.get_honorific_display() if appearance.speaker.honorific else "",
                "position": appearance.speaker.position,
                "organisation": appearance.speaker.organisation,
                "country": appearance.speaker.country.code or None,
                "role": appearance.role,
            }
            for appearance in session.appearances.all()
        ],
    }


def conference_as_dict(conference: Conference) -> dict:
    return {
        "slug": conference.slug,
        "title": conference.title,
        "start": conference.local(conference.starts_at).isoformat(),
        "end": conference.local(conference.ends_at).isoformat(),
        "time_zone": conference.time_zone,
        "venue": conference.venue,
        "city": conference.city,
        "country": conference.country.code,
        "livestream_url": conference.livestream_url or None,
        "hashtags": conference.hashtag_list,
        "programme_is_draft": conference.programme_is_draft,
    }


def new_calendar(product: str) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", f"-//wpsconf//{product}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    return calendar


def timed_event(*, uid: str, stamp: datetime, start: datetime, end: datetime, summary: str) -> icalendar.Event:
    """An event with every time in UTC: calendars convert it to their own zone correctly."""
    event = icalendar.Event()
    event.add("uid", f"{uid}@wpsconf")
    event.add("dtstamp", stamp.astimezone(UTC))
    event.add("dtstart", start.astimezone(UTC))
    event.add("dtend", end.astimezone(UTC))
    event.add("summary", summary)
    return event


def programme_calendar(conference: Conference, sessions: Iterable[Session], *, agenda_url: str) -> bytes:
    """The programme as RFC 5545 iCalendar, times in UTC, one VEVENT per session."""
    calendar = new_calendar("Conference programme")
    calendar.add("x-wr-calname", conference.title)
    calendar.add("x-wr-timezone", conference.time_zone)
    status = "TENTATIVE" if conference.programme_is_draft else "CONFIRMED"
    for session in sessions:
        event = timed_event(
            uid=str(session.uid),
            stamp=session.updated_at,
            start=session.starts_at,
            end=session.ends_at,
            summary=session.title,
        )
        description = [session.description] if session.description else []
        description += [
            f"{appearance.get_role_display()}: {appearance.speaker.display_name}"
            for appearance in session.appearances.all()
        ]
        if description:
            event.add("description", "\n".join(description))
        event.add("location", session_location(conference, session))
        event.add("categories", [session.get_kind_display()])
        event.add("status", status)
        event.add("url", agenda_url)
        calendar.add_component(event)
    return calendar.to_ical()


def sessions_overlapping_in_rooms(sessions: Sequence[Session]) -> list[tuple[Session, Session]]:
    """Pairs among not-yet-saved sessions that would share a room at the same time."""
    clashes = []
    for index, first in enumerate(sessions):
        for second in sessions[index + 1 :]:
            if first.room_id and first.room_id == second.room_id and overlaps(first, second):
                clashes.append((first, second))
    return clashes


def conference_invitation(conference: Conference, *, url: str) -> bytes:
    """The whole conference day as one calendar event, attached to confirmations."""
    calendar = new_calendar("Conference invitation")
    event = timed_event(
        uid=f"conference-{conference.slug}",
        stamp=conference.updated_at,
        start=conference.starts_at,
        end=conference.ends_at,
        summary=conference.title,
    )
    event.add("location", ", ".join(part for part in (conference.venue, conference.address, conference.city) if part))
    event.add("url", url)
    calendar.add_component(event)
    return calendar.to_ical()
