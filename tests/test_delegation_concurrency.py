"""Delegation seats under concurrency, on PostgreSQL: two focal-point tabs adding at once never pass the
quota, and an individual registrant racing a delegation member never passes the conference's capacity.

Every call runs in its own thread and database connection, released together by a barrier.
"""

import time

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from delegations import services
from delegations.admin import DelegationForm
from delegations.models import Delegation
from registration.models import Registration
from tests.concurrency import run_together
from tests.delegation_helpers import add, delegation
from tests.factories import register_outcome

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def adding(kazakhstan, n: int):
    def call():
        try:
            return add(kazakhstan, f"member{n}@example.kz", first_name=f"Member{n}")
        except ValidationError as error:
            return error.code

    return call


def test_two_focal_point_tabs_adding_at_once_never_pass_the_quota(conference_2023):
    kazakhstan = delegation(conference_2023, quota=3)
    add(kazakhstan, "first@example.kz")

    outcomes = run_together([adding(kazakhstan, n) for n in range(8)])

    assert sum(isinstance(outcome, Registration) for outcome in outcomes) == 2
    assert outcomes.count("quota") == 6
    assert services.seats_used(kazakhstan) == 3
    assert kazakhstan.members.count() == 3


def test_an_individual_and_a_delegation_member_racing_for_the_last_seat_never_pass_capacity(conference_2023):
    for round_ in range(5):
        # Nobody waits from an earlier round: the waiting list would take the seat first.
        conference_2023.registrations.filter(status=Registration.Status.WAITLISTED).update(
            status=Registration.Status.CANCELLED
        )
        conference_2023.capacity = (
            conference_2023.registrations.filter(status__in=Registration.ACTIVE_STATUSES).count() + 1
        )
        conference_2023.save()
        kazakhstan = delegation(conference_2023, quota=1, country="KZ", focal_point_email=f"focal{round_}@example.kz")

        individual, member = run_together(
            [
                lambda address=f"person{round_}@example.org": register_outcome(conference_2023, address),
                adding(kazakhstan, 100 + round_),
            ]
        )

        active = conference_2023.registrations.filter(status__in=Registration.ACTIVE_STATUSES).count()
        assert active == conference_2023.capacity
        individual.registration.refresh_from_db()
        if isinstance(member, Registration):
            assert individual.registration.status == Registration.Status.WAITLISTED
        else:
            assert member == "full"
            assert individual.registration.is_active


class QuotaForm(DelegationForm):
    """The admin's delegation form, reduced to the quota."""

    class Meta:
        model = Delegation
        fields = ["quota"]


def lowering_the_quota_to_one(kazakhstan):
    def call():
        with transaction.atomic():  # as the admin validates and saves in one transaction
            form = QuotaForm({"quota": "1"}, instance=Delegation.objects.get(pk=kazakhstan.pk))
            if not form.is_valid():
                return "refused"
            time.sleep(0.2)  # an organiser's save is slow enough for a focal point to add meanwhile
            form.save()
            return "lowered"

    return call


def test_an_organiser_lowering_the_quota_while_a_member_is_added_never_leaves_the_list_over_it(conference_2023):
    for round_ in range(3):
        kazakhstan = delegation(conference_2023, quota=3, country="KZ", focal_point_email=f"focal{round_}@example.kz")
        add(kazakhstan, f"first{round_}@example.kz")

        lowered, added = run_together([lowering_the_quota_to_one(kazakhstan), adding(kazakhstan, 200 + round_)])

        kazakhstan.refresh_from_db()
        assert services.seats_used(kazakhstan) <= kazakhstan.quota, (lowered, added)
        assert (lowered == "lowered") == (added == "quota"), (lowered, added)
