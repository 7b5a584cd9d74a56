"""A member's badge names the delegation and its head; erasure forgets focal points, letters and members' places."""

from datetime import UTC, datetime
from io import BytesIO

import pypdf
import pytest
import time_machine
from django.core.files.base import ContentFile

from delegations import services
from delegations.erasure import anonymise_delegations
from delegations.models import Delegation, DelegationMember
from outbox.models import OutgoingEmail
from outbox.services import Addressee, queue_email
from registration import badges, erasure
from registration.models import Registration
from tests.delegation_helpers import add, delegation
from tests.documents import pdf_bytes
from tests.factories import register
from wpsconf.storage import private_storage

pytestmark = pytest.mark.django_db
AFTER_THE_CONFERENCE = datetime(2023, 10, 20, tzinfo=UTC)


def approved_members(conference) -> list[Registration]:
    kazakhstan = delegation(conference)
    head = add(kazakhstan, "head@example.kz", is_head=True)
    other = add(kazakhstan, first_name="Other")
    services.replace_letter(kazakhstan, ContentFile(pdf_bytes(), name="letter.pdf"))
    services.approve(services.submit(kazakhstan))
    return [Registration.objects.get(pk=head.pk), Registration.objects.get(pk=other.pk)]


def badge_words(registration: Registration) -> str:
    return " ".join(pypdf.PdfReader(BytesIO(badges.badge_pdf(registration))).pages[0].extract_text().split())


def test_a_members_badge_names_the_delegation_and_marks_its_head(conference_2023):
    head, other = approved_members(conference_2023)

    assert "Delegation: Kazakhstan" in badge_words(head)
    assert "Head of delegation" in badge_words(head)
    assert "Delegation: Kazakhstan" in badge_words(other)
    assert "Head of delegation" not in badge_words(other)


def test_an_organisations_delegation_is_named_by_the_organisation(conference_2023):
    un_women = delegation(conference_2023, country="", organisation="UN Women", kind="international")
    member = add(un_women, category="international", organisation_country="US", parliament="", chamber="")

    text = badges.badge_text(member)

    assert text.extra == ("Delegation: UN Women",)


def test_someone_on_no_list_has_no_delegation_line(conference_2023):
    assert badges.badge_text(register(conference_2023)).extra == ()


def test_anonymising_the_conference_forgets_the_focal_points_and_deletes_the_letters(
    conference_2023, django_capture_on_commit_callbacks
):
    approved_members(conference_2023)
    kazakhstan = Delegation.objects.get()
    letter = kazakhstan.letter.name
    old_token = kazakhstan.token
    assert private_storage.exists(letter)

    with time_machine.travel(AFTER_THE_CONFERENCE), django_capture_on_commit_callbacks(execute=True):
        counts = erasure.anonymise_conference(conference_2023)

    assert counts["documents"] == 1
    kazakhstan.refresh_from_db()
    assert kazakhstan.focal_point_name == f"#{kazakhstan.pk}"
    assert "focal@example.kz" not in repr(Delegation.objects.values())
    assert "focal@example.kz" not in repr(Delegation.history.values())
    assert not OutgoingEmail.objects.filter(to="focal@example.kz").exists()
    assert not kazakhstan.letter
    assert not private_storage.exists(letter)
    assert kazakhstan.token != old_token
    # Who took part stays counted, anonymous, for the delegation's figures.
    assert DelegationMember.objects.filter(delegation=kazakhstan).count() == 2
    assert kazakhstan.country == "KZ"


def test_a_member_erasing_themselves_before_the_conference_leaves_the_list(conference_2023):
    kazakhstan = delegation(conference_2023)
    member = add(kazakhstan, "member@example.kz")

    with time_machine.travel(datetime(2023, 10, 2, tzinfo=UTC)):
        erasure.erase_on_request(member)

    assert not kazakhstan.members.exists()
    assert services.seats_used(kazakhstan) == 0


def test_organisers_erase_one_delegations_focal_point(conference_2023):
    kazakhstan = delegation(conference_2023)
    services.replace_letter(kazakhstan, ContentFile(pdf_bytes(), name="letter.pdf"))

    anonymise_delegations(Delegation.objects.filter(pk=kazakhstan.pk))

    kazakhstan.refresh_from_db()
    assert kazakhstan.focal_point_phone == ""
    assert not kazakhstan.letter


def test_the_outbox_queues_nothing_for_someone_without_an_address(conference_2023):
    member = add(delegation(conference_2023))
    before = OutgoingEmail.objects.count()  # the focal point was told of the member

    assert queue_email(member, "confirmed") is None
    assert queue_email(Addressee(email="", language="en"), "delegation_invited") is None
    assert OutgoingEmail.objects.count() == before
    assert not OutgoingEmail.objects.filter(to="").exists()
