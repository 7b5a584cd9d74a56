"""The programme for other programs: iCalendar (RFC 5545) and JSON, and the invitation attached to a confirmation."""

from collections.abc import Iterable
from datetime import UTC, datetime

import icalendar

from agenda.models import Conference, Session


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
        "recording_url": conference.recording_url or None,
        "hashtags": conference.hashtag_list,
        "programme_is_draft": conference.programme_still_draft,
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
    status = "TENTATIVE" if conference.programme_still_draft else "CONFIRMED"
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
