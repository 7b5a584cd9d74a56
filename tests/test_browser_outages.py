"""What a visitor sees in a browser when a part behind the site fails: a clear page or message, nothing lost."""

import errno

import pytest
from django.db import OperationalError
from django.utils import translation
from playwright.sync_api import expect

from agenda.models import Conference
from registration.models import Registration
from tests.factories import log_in
from tests.media_form import apply, fill_in_the_application
from wpsconf.storage import private_storage

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def in_language(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


def test_a_phone_visitor_meets_the_busy_page_in_kazakh_while_the_database_is_away(phone_page, monkeypatch):
    def database_away(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(Conference.objects, "current", database_away)

    response = phone_page.goto("/kk/register/")

    assert response.status == 503
    expect(phone_page.locator("h1")).to_have_text(in_language("kk", "The site is busy"))
    expect(phone_page.locator("html")).to_have_attribute("lang", "kk")


def test_a_full_disk_at_upload_is_said_beside_the_documents_and_what_was_typed_stays(
    page, registration_open, documents, monkeypatch
):
    def disk_full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(private_storage, "save", disk_full)
    page.goto("/ru/accreditation/")
    fill_in_the_application(page, documents, photo="photo")

    apply(page)

    expect(page.locator("[data-documents-error]")).to_contain_text(
        in_language(
            "ru",
            "We could not store your documents just now, so nothing was saved. "
            "Please try again in a few minutes; if it keeps failing, write to us.",
        )
    )
    expect(page.locator("#id_organisation")).to_have_value("Qazaqstan TV")
    assert not Registration.objects.exists()


def test_an_organiser_is_warned_of_mail_that_does_not_go_out_and_follows_the_link(page, registration_open, organiser):
    from datetime import timedelta

    from django.utils import timezone

    from outbox.models import OutgoingEmail
    from tests.factories import register

    person = register(registration_open, "late@example.org")
    OutgoingEmail.objects.filter(recipient=person).update(
        status=OutgoingEmail.Status.QUEUED, sent_at=None, created_at=timezone.now() - timedelta(minutes=20)
    )
    log_in(page, organiser.username, then="/admin/")

    warning = page.locator("[data-emails-overdue]")
    expect(warning).to_contain_text("1 email was written more than 15 minutes ago")
    warning.get_by_role("link").click()

    expect(page.locator("#result_list tbody tr")).to_have_count(1)
