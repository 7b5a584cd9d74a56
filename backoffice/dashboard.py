"""The participation dashboard: Women, Peace and Security reporting measures women's part in the event.

Every figure is one database aggregate over a conference's registrations (or its speakers
and media requests); nothing counts people one by one in Python. Shares of women are
taken among the people who said their gender (woman, man or another); those who did not,
or preferred not to say, are counted apart so the share never pretends to cover them.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accreditation.models import AccreditationRequest, OutletType
from agenda.models import Conference, Gender, Speaker
from backoffice.charts import part_length
from backoffice.protocol import delegation_key
from delegations.models import Delegation
from registration.models import Registration
from wpsconf.countries import central_asia_and_the_rest

Category = Registration.Category
Status = Registration.Status
HEADS_OF_DELEGATION = (Category.PARLIAMENTARIAN, Category.GOVERNMENT, Category.DIPLOMATIC)
DECLARED = (Gender.WOMAN, Gender.MAN, Gender.ANOTHER)


# Gender is shown in aggregate only: a group of fewer people than this, who said their gender,
# would let a reader who knows who is in it tell one person's (one check-in more, one woman more).
SMALLEST_GROUP = 5


@dataclass(frozen=True)
class Share:
    women: int
    declared: int
    undeclared: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.women / self.declared, 1) if self.declared else None

    @property
    def shown(self) -> bool:
        """Large enough a group to show without pointing at anyone."""
        return self.declared >= SMALLEST_GROUP


def few_or(count: int) -> int | str:
    """A small count of people by gender, given as a range rather than a number."""
    return _("1 to %(most)d") % {"most": SMALLEST_GROUP - 1} if 0 < count < SMALLEST_GROUP else count


def share_of_women(people: QuerySet) -> Share:
    figures = people.aggregate(
        women=Count("pk", filter=Q(gender=Gender.WOMAN)),
        declared=Count("pk", filter=Q(gender__in=DECLARED)),
        everyone=Count("pk"),
    )
    return Share(figures["women"], figures["declared"], figures["everyone"] - figures["declared"])


def counted(people: QuerySet, field: str) -> dict[str, int]:
    return dict(people.order_by().values_list(field).annotate(n=Count("pk")).values_list(field, "n"))


def by_country(people: QuerySet) -> list[tuple[str, str, int]]:
    """(code, name, count): the five Central Asian states first, as every country list has them, then the rest
    by count (and alphabetically among equal counts)."""
    numbers = counted(people, "country")
    first, others = central_asia_and_the_rest(get_language())
    rest = [(code, name, numbers[code]) for code, name in others if code in numbers]
    rest.sort(key=lambda row: -row[2])  # stable: equal counts stay in alphabetical order
    return [(code, name, numbers.get(code, 0)) for code, name in first] + rest


def per_day(people: QuerySet, conference: Conference) -> list[tuple[date, int]]:
    days = people.annotate(day=TruncDate("created_at", tzinfo=conference.tzinfo)).order_by("day")
    return list(days.values("day").annotate(n=Count("pk")).values_list("day", "n"))


def labelled(numbers: dict[str, int], choices) -> list[tuple[str, int]]:
    return [(label, numbers.get(value, 0)) for value, label in choices]


@dataclass(frozen=True)
class DelegationFigures:
    delegation: Delegation
    seats_used: int
    share: Share

    @property
    def quota_length(self) -> float:
        """The seats used as a bar from 0 to 100, the full quota the whole bar."""
        return part_length(self.seats_used, self.delegation.quota)


def by_delegation(conference: Conference) -> list[DelegationFigures]:
    """Each delegation's seats used of its quota, and the share of women among the members holding a seat,
    in the protocol list's order (countries, then organisations, alphabetical in the language on screen)."""
    holding = Q(members__registration__status__in=Registration.ACTIVE_STATUSES)
    delegations = Delegation.objects.filter(conference=conference).annotate(
        seats_used=Count("members", filter=holding),
        women=Count("members", filter=holding & Q(members__registration__gender=Gender.WOMAN)),
        declared=Count("members", filter=holding & Q(members__registration__gender__in=DECLARED)),
    )
    language = get_language()
    return [
        DelegationFigures(d, d.seats_used, Share(d.women, d.declared, d.seats_used - d.declared))
        for d in sorted(delegations, key=lambda delegation: delegation_key(delegation, language))
    ]


def figures(conference: Conference) -> dict:
    people = conference.registrations.all()
    confirmed = people.filter(status=Status.CONFIRMED)
    speakers = Speaker.objects.filter(sessions__conference=conference).distinct()
    approved_media = AccreditationRequest.objects.filter(
        registration__conference=conference, status=AccreditationRequest.Status.APPROVED
    )
    return {
        "by_status": labelled(counted(people, "status"), Status.choices),
        "by_category": labelled(counted(confirmed, "category"), Category.choices),
        "by_country": by_country(confirmed),
        "by_gender": [
            (label, few_or(count)) for label, count in labelled(counted(confirmed, "gender"), Gender.choices)
        ],
        "women": [
            ("confirmed", _("Confirmed participants"), share_of_women(confirmed)),
            ("speakers", _("Speakers"), share_of_women(Speaker.objects.filter(pk__in=speakers.values("pk")))),
            (
                "heads_of_delegation",
                _("Parliamentarians, government and diplomatic corps"),
                share_of_women(confirmed.filter(category__in=HEADS_OF_DELEGATION)),
            ),
            ("checked_in", _("Checked in at the door"), share_of_women(people.filter(checked_in_at__isnull=False))),
        ],
        "media_by_outlet": labelled(counted(approved_media, "outlet_type"), OutletType.choices),
        "per_day": per_day(people, conference),
        "delegations": by_delegation(conference),
    }
