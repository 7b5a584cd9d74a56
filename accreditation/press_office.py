"""The press office's two lists: the accredited media, and the people not to be photographed."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _

from accreditation.models import AccreditationRequest
from agenda.models import Conference
from registration.models import Registration


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: Iterable[list[str]]


def accredited_media(conference: Conference | None) -> Table:
    accreditations = (
        AccreditationRequest.objects.filter(
            registration__conference=conference,
            status=AccreditationRequest.Status.APPROVED,
            registration__status=Registration.Status.CONFIRMED,
        )
        .select_related("registration")
        .order_by("registration__last_name", "registration__first_name")
    )
    return Table(
        _("Accredited media"),
        [_("Name"), _("Outlet"), _("Type of outlet"), _("Role"), _("Equipment"), _("Working languages")],
        (
            [
                accreditation.registration.addressed_name,
                accreditation.registration.organisation,
                accreditation.get_outlet_type_display(),
                accreditation.get_role_display(),
                accreditation.get_equipment_display(),
                accreditation.get_working_languages_display(),
            ]
            for accreditation in accreditations.iterator()
        ),
    )


def not_to_be_photographed(conference: Conference | None) -> Table:
    people = (
        Registration.objects.filter(conference=conference, no_photography=True, status__in=Registration.ACTIVE_STATUSES)
        .exclude(category=Registration.Category.MEDIA)
        .order_by("last_name", "first_name")
    )
    return Table(
        _("Please do not photograph or stream"),
        [_("Name"), _("Organisation"), _("Position"), _("Category")],
        (
            [person.addressed_name, person.organisation, person.position, person.get_category_display()]
            for person in people.iterator()
        ),
    )


def lists(conference: Conference | None) -> dict[str, Table]:
    return {"media": accredited_media(conference), "no-photo": not_to_be_photographed(conference)}
