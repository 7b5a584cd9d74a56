"""Protocol lists: the confirmed participants by delegation, in the order protocol officers expect.

Delegations of countries come first, then those of organisations, each group alphabetical in
the list's language (wpsconf.collation: "Қазақстан" sorts where a Kazakh reader looks for it).
Within a delegation the head comes first, then the others by rank of honorific, then by last
and first name. Only confirmed members are listed: a list handed to protocol names the people
who will be in the room. People registered on their own are not on it (they sit with no
delegation; the registrations export lists them).
"""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from tempfile import SpooledTemporaryFile

from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from agenda.models import Conference, Honorific
from delegations.models import Delegation, DelegationMember
from registration.models import Registration
from wpsconf.collation import collation_key
from wpsconf.spreadsheets import csv_lines, workbook

LANGUAGES = ("en", "ru", "kk")
FORMATS = (("pdf", "PDF"), ("csv", "CSV"), ("xlsx", "Excel"))
# The order of precedence of forms of address: an Excellency before an Honourable, then
# academic titles; Ms, Mr and no form of address rank alike, after all of these.
PROTOCOL_ORDER = (Honorific.HIS_HER_EXCELLENCY, Honorific.HONOURABLE, Honorific.PROFESSOR, Honorific.DOCTOR)
UNRANKED = len(PROTOCOL_ORDER)

COLUMNS = [
    gettext_lazy("Delegation"),
    gettext_lazy("Kind of delegation"),
    gettext_lazy("Head of delegation"),
    gettext_lazy("Name"),
    gettext_lazy("Honorific"),
    gettext_lazy("First name"),
    gettext_lazy("Last name"),
    gettext_lazy("Position"),
    gettext_lazy("Organisation"),
    gettext_lazy("Category"),
]


def honorific_rank(honorific: str) -> int:
    return PROTOCOL_ORDER.index(honorific) if honorific in PROTOCOL_ORDER else UNRANKED


def delegation_key(delegation: Delegation, language: str) -> tuple:
    """Countries before organisations, each by its name in `language`."""
    if delegation.country:
        with translation.override(language):
            return (0, collation_key(str(delegation.country.name), language))
    return (1, collation_key(delegation.organisation, language))


def member_key(member: DelegationMember, language: str) -> tuple:
    person = member.registration
    return (
        not member.is_head,
        honorific_rank(person.honorific),
        collation_key(person.last_name, language),
        collation_key(person.first_name, language),
        person.pk,
    )


@dataclass(frozen=True)
class Section:
    """One delegation on the list, its members already in protocol order."""

    delegation: Delegation
    members: list[DelegationMember]


def sections(conference: Conference, language: str) -> list[Section]:
    """The delegations with at least one confirmed member, and those members, in protocol order."""
    members = DelegationMember.objects.filter(
        delegation__conference=conference, registration__status=Registration.Status.CONFIRMED
    ).select_related("delegation", "registration")
    grouped: dict[int, list[DelegationMember]] = {}
    delegations: dict[int, Delegation] = {}
    for member in members:
        grouped.setdefault(member.delegation_id, []).append(member)
        delegations[member.delegation_id] = member.delegation
    ordered = sorted(delegations.values(), key=lambda delegation: delegation_key(delegation, language))
    return [
        Section(delegation, sorted(grouped[delegation.pk], key=lambda member: member_key(member, language)))
        for delegation in ordered
    ]


def rows(listed: Iterable[Section]) -> Iterator[list[str]]:
    """Each member as the cells of one row, in words of the active language."""
    yes = _("yes")
    for section in listed:
        kind = section.delegation.get_kind_display()
        for member in section.members:
            person = member.registration
            yield [
                section.delegation.name,
                kind,
                yes if member.is_head else "",
                person.addressed_name,
                person.get_honorific_display() if person.honorific else "",
                person.first_name,
                person.last_name,
                person.position,
                person.organisation,
                capfirst(person.get_category_display()),
            ]


def headers() -> list[str]:
    return [str(label) for label in COLUMNS]


def csv_export(conference: Conference, language: str) -> str:
    with translation.override(language):
        return "".join(csv_lines(headers(), rows(sections(conference, language))))


def xlsx_export(conference: Conference, language: str) -> SpooledTemporaryFile:
    with translation.override(language):
        return workbook(_("Participants by delegation"), headers(), rows(sections(conference, language)))
