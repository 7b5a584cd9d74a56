"""An organiser asks for badges: a few are drawn at once, a large batch by a worker into a BadgeSheet."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet
from kombu.exceptions import OperationalError

from registration import badges
from registration.models import BadgeSheet
from registration.tasks import print_badge_sheet


@dataclass
class BadgeRequest:
    left_out: int  # selected but not confirmed: no badge
    pdf: bytes | None = None  # drawn at once
    sheet: BadgeSheet | None = None  # being drawn by a worker, who emails the organiser
    queue_unreachable: bool = False  # too many to draw at once, and no worker can be asked


def request_badges(selected: QuerySet, *, by) -> BadgeRequest:
    people = badges.printable(selected)
    count = people.count()
    left_out = selected.count() - count
    if not count:
        return BadgeRequest(left_out)
    if count <= badges.AT_ONCE_UP_TO:
        return BadgeRequest(left_out, pdf=badges.badge_sheets(people))
    conferences = set(people.values_list("conference", flat=True).distinct())
    ids = list(people.values_list("pk", flat=True))
    with transaction.atomic():
        sheet = BadgeSheet.objects.create(
            requested_by=by, people=count, conference_id=conferences.pop() if len(conferences) == 1 else None
        )
        sheet.registrations.set(ids)
    try:
        print_badge_sheet.delay(sheet.pk, ids)
    except OperationalError:
        sheet.delete()
        return BadgeRequest(left_out, queue_unreachable=True)
    return BadgeRequest(left_out, sheet=sheet)
