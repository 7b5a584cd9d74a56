"""The site's clock: real time, or, for a demonstration (`SITE_CLOCK`), time as it was on a day of the
conference's calendar, moving forward from the moment the process started.

What the calendar decides (is registration open, what runs now, has the conference ended) reads
`now()`; what records or paces work (audit times, mail retries, staff sessions) keeps real time.
"""

from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

EXAMPLE = "2023-10-02T09:00+06:00"


def parse(value: str, *, debug: bool) -> datetime | None:
    """The instant `SITE_CLOCK` names, None for real time; refused outside DEBUG or without a zone."""
    value = value.strip()
    if value.lower() in {"", "real"}:
        return None
    if not debug:
        raise ImproperlyConfigured(
            f"SITE_CLOCK={value} sets a demonstration clock, which runs only with DEBUG=on. "
            "Unset it or set SITE_CLOCK=real for a live site."
        )
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"SITE_CLOCK must be real or a date and time with its offset, e.g. {EXAMPLE}; got {value!r}."
        ) from None
    if moment.tzinfo is None:
        raise ImproperlyConfigured(f"SITE_CLOCK needs its offset from UTC, e.g. {EXAMPLE}; got {value!r}.")
    return moment


def offset_from(moment: datetime | None) -> timedelta | None:
    """How far the demonstration clock stands from real time, fixed when the process starts.

    Called while the settings load, so it must not read them (as `timezone.now()` does).
    """
    return None if moment is None else moment - datetime.now(UTC)


def now() -> datetime:
    offset = settings.SITE_CLOCK_OFFSET
    return timezone.now() if offset is None else timezone.now() + offset


def is_demonstration() -> bool:
    return settings.SITE_CLOCK_OFFSET is not None
