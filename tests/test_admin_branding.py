"""The back office speaks as the conference's own, in English, Russian and Kazakh: its name in the
header, every app named in the organiser's language, languages and countries by their names,
a person's badge one click from their page, and the site's icon."""

import io
import re
from datetime import UTC, datetime

import pypdf
import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import translation

from accreditation import services as accreditation_services
from agenda.models import Conference, Speaker
from outbox.models import OutgoingEmail
from registration import services
from registration.models import Registration
from tests.factories import apply_for_accreditation, confirmed, register, sign_in, staff_member
from tests.test_programme_admin import next_conference
from wpsconf import library_messages

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "ru", "kk"]


def in_language(client, url: str, language: str, **query):
    return client.get(url, query, HTTP_ACCEPT_LANGUAGE=language)


def site_name(html: str) -> str:
    return re.search(r'<div id="site-name"><a href="/admin/">(.*?)</a></div>', html, re.S).group(1)


def page_title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


def conference_title(conference: Conference, language: str) -> str:
    with translation.override(language):
        return Conference.objects.get(pk=conference.pk).title


@pytest.fixture
def aigerim(registration_open, django_capture_on_commit_callbacks) -> Registration:
    with django_capture_on_commit_callbacks(execute=True):
        return confirmed(registration_open, language="kk")


@pytest.fixture
def superuser_client(client):
    from django.contrib.auth.models import User

    return sign_in(client, User.objects.create_superuser("sultan", "sultan@example.org", "a-long-password-1"))


# --- the conference's name, never Django's -----------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_admin_page_says_django_and_each_carries_the_conference_title(client, organiser, aigerim, language):
    title = conference_title(aigerim.conference, language)
    login = in_language(client, reverse("admin:login"), language).content.decode()
    sign_in(client, organiser)
    pages = {
        "login": login,
        "index": in_language(client, reverse("admin:index"), language).content.decode(),
        "list": in_language(client, reverse("admin:registration_registration_changelist"), language).content.decode(),
        "change": in_language(
            client, reverse("admin:registration_registration_change", args=[aigerim.pk]), language
        ).content.decode(),
    }

    for name, html in pages.items():
        assert "Django" not in html, name
        assert "Даңғо" not in html, name
        assert site_name(html) == title, name
        assert page_title(html).endswith(f"| {title}"), name


def test_the_header_names_the_registration_before_any_conference_is_published(organiser_client):
    html = organiser_client.get(reverse("admin:index")).content.decode()

    assert site_name(html) == "Conference registration"
    assert "Django" not in html


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_the_header_is_in_russian_and_kazakh_before_any_conference_too(organiser_client, language):
    with translation.override(language):
        expected = translation.gettext("Conference registration")
    html = in_language(organiser_client, reverse("admin:index"), language).content.decode()

    assert expected != "Conference registration"  # needs the merged catalogues
    assert site_name(html) == expected


def test_the_locked_out_page_carries_the_conference_title_too(client, conference_2023, settings):
    staff_member("olga", "Organisers")
    for _attempt in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(reverse("admin:login"), {"username": "olga", "password": "wrong"})

    html = response.content.decode()
    assert response.status_code == 429
    assert site_name(html) == conference_2023.title
    assert "Django" not in html


# --- apps and their models named in every language ----------------------------------------------------------------


def apps_and_models(client, language: str) -> dict[str, str]:
    """What the admin's index names each app and model, by its address."""
    html = in_language(client, reverse("admin:index"), language).content.decode()
    names = {}
    for href, name in re.findall(r'<a href="(/admin/[\w/]+)"(?: class="section"[^>]*)?>([^<]+)</a>', html):
        names.setdefault(href, name.strip())
    return names


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_every_app_and_model_on_the_index_is_named_in_russian_and_kazakh(superuser_client, language):
    english = apps_and_models(superuser_client, "en")
    translated = apps_and_models(superuser_client, language)
    apps = {href for href in english if href.count("/") == 3}

    assert {"/admin/auth/", "/admin/axes/", "/admin/registration/", "/admin/outbox/"} <= apps
    assert translated.keys() == english.keys()
    untranslated = {href: name for href, name in translated.items() if name == english[href]}
    assert untranslated == {}


def test_the_sign_in_protection_app_has_a_name_of_ours(superuser_client):
    assert apps_and_models(superuser_client, "en")["/admin/axes/"] == "Sign-in protection"


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_every_borrowed_message_is_translated(language):
    same_everywhere = {"%(class_name)s %(instance)s", "HTTP Accept"}
    untranslated = []
    for message in library_messages.MESSAGES:
        with translation.override(language):
            shown = translation.gettext(message) if isinstance(message, str) else message % 1
        with translation.override("en"):
            english = message if isinstance(message, str) else message % 1
        if shown == english and message not in same_everywhere:
            untranslated.append(english)

    assert untranslated == []


# --- languages by name --------------------------------------------------------------------------------------------


def readonly_value(html: str, field: str) -> str:
    match = re.search(rf'<div class="form-row[^"]*field-{field}">.*?<div class="readonly">(.*?)</div>', html, re.S)
    return match.group(1).strip()


@pytest.mark.parametrize(("language", "name"), [("en", "Kazakh"), ("ru", "Казахский"), ("kk", "Қазақ")])
def test_a_registration_shows_its_language_by_name(organiser_client, aigerim, language, name):
    html = in_language(
        organiser_client, reverse("admin:registration_registration_change", args=[aigerim.pk]), language
    ).content.decode()

    assert readonly_value(html, "language_shown") == name


def test_an_accreditation_shows_its_language_by_name(organiser_client, registration_open):
    accreditation = apply_for_accreditation(registration_open, language="ru")

    html = organiser_client.get(
        reverse("admin:accreditation_accreditationrequest_change", args=[accreditation.pk])
    ).content.decode()

    assert readonly_value(html, "language") == "Russian"


def test_the_email_list_shows_and_filters_languages_by_name(organiser_client, aigerim):
    email = OutgoingEmail.objects.filter(recipient=aigerim).first()
    url = reverse("admin:outbox_outgoingemail_changelist")

    listed = organiser_client.get(url)
    filtered = organiser_client.get(url, {"language": "kk"})
    shown = organiser_client.get(reverse("admin:outbox_outgoingemail_change", args=[email.pk])).content.decode()

    rows = re.findall(r'<td class="field-language_shown">(.*?)</td>', listed.content.decode())
    assert rows == ["Kazakh"] * OutgoingEmail.objects.count()
    language_filter = next(
        spec for spec in listed.context["cl"].filter_specs if getattr(spec, "parameter_name", None) == "language"
    )
    assert [choice["display"] for choice in language_filter.choices(listed.context["cl"])][1:] == [
        "English",
        "Russian",
        "Kazakh",
    ]
    assert filtered.context["cl"].result_count == OutgoingEmail.objects.count() > 0
    assert readonly_value(shown, "language_shown") == "Kazakh"


# --- countries present, by name --------------------------------------------------------------------------------


def country_choices(response, field_path: str) -> list[str]:
    changelist = response.context["cl"]
    spec = next(spec for spec in changelist.filter_specs if getattr(spec, "field_path", None) == field_path)
    return [str(choice["display"]) for choice in spec.choices(changelist)][1:]  # after "All"


@pytest.fixture
def people_of_two_conferences(registration_open):
    for n, country in enumerate(["UZ", "KZ", "AZ", "TJ", "KZ"]):
        register(registration_open, f"p{n}@example.org", country=country)
    later = next_conference(
        starts_at=datetime(2024, 10, 16, 4, tzinfo=UTC), ends_at=datetime(2024, 10, 16, 11, tzinfo=UTC)
    )
    register(later, "pierre@example.org", country="FR")
    return registration_open, later


@pytest.mark.parametrize(
    ("language", "names"),
    [
        # Central Asia first, as in every country list; each group in the language's alphabetical order.
        ("en", ["Kazakhstan", "Tajikistan", "Uzbekistan", "Azerbaijan"]),
        ("ru", ["Казахстан", "Таджикистан", "Узбекистан", "Азербайджан"]),
        ("kk", ["Қазақстан", "Өзбекстан", "Тәжікстан", "Әзірбайжан"]),
    ],
)
def test_the_country_filter_lists_only_the_countries_of_the_listed_conference(
    organiser_client, people_of_two_conferences, language, names
):
    conference, _later = people_of_two_conferences
    url = reverse("admin:registration_registration_changelist")

    response = in_language(organiser_client, url, language, conference__id__exact=conference.pk)

    assert country_choices(response, "country") == names


def test_the_country_filter_of_every_conference_lists_every_country_present(
    organiser_client, people_of_two_conferences
):
    response = organiser_client.get(reverse("admin:registration_registration_changelist"))

    assert country_choices(response, "country") == ["Kazakhstan", "Tajikistan", "Uzbekistan", "Azerbaijan", "France"]


def test_choosing_a_country_keeps_the_others_of_its_conference_listed(organiser_client, people_of_two_conferences):
    response = organiser_client.get(reverse("admin:registration_registration_changelist"), {"country": "KZ"})

    assert response.context["cl"].result_count == 2
    assert country_choices(response, "country") == ["Kazakhstan", "Tajikistan", "Uzbekistan", "Azerbaijan"]


def test_an_old_link_filtered_by_country_still_filters(organiser_client, people_of_two_conferences):
    response = organiser_client.get(reverse("admin:registration_registration_changelist"), {"country__exact": "UZ"})

    assert response.context["cl"].result_count == 1


def test_the_media_list_filters_by_the_countries_present(organiser_client, registration_open):
    apply_for_accreditation(registration_open, "dana@example.org", country="KG")
    apply_for_accreditation(registration_open, "timur@example.org", country="KZ")
    url = reverse("admin:accreditation_accreditationrequest_changelist")

    response = organiser_client.get(url)
    kyrgyz = organiser_client.get(url, {"registration__country": "KG"})

    assert country_choices(response, "registration__country") == ["Kazakhstan", "Kyrgyzstan"]
    assert kyrgyz.context["cl"].result_count == 1


def test_the_speaker_list_filters_by_the_countries_of_its_speakers(organiser_client, conference_2023):
    Speaker.objects.create(name="Dilnoza Yusupova", country="UZ")
    Speaker.objects.create(name="Someone without a country")

    response = organiser_client.get(reverse("admin:agenda_speaker_changelist"))

    assert country_choices(response, "country") == [
        "Kazakhstan",
        "Uzbekistan",
    ]  # the seeded speakers are from Kazakhstan


# --- the badge, one click from the person's page -------------------------------------------------------------------


def badge_url(registration: Registration) -> str:
    return reverse("admin:registration_registration_badge", args=[registration.pk])


def test_a_confirmed_persons_page_links_to_their_badge_at_a_staff_address(organiser_client, aigerim):
    html = organiser_client.get(reverse("admin:registration_registration_change", args=[aigerim.pk])).content.decode()

    assert f'href="{badge_url(aigerim)}"' in html
    assert badge_url(aigerim).startswith("/admin/")
    assert aigerim.token not in html


def test_the_badge_link_gives_the_persons_badge_as_a_pdf(organiser_client, aigerim):
    response = organiser_client.get(badge_url(aigerim))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="badge-{aigerim.reference}.pdf"'
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(response.content)).pages)
    assert "Әйгерім Қасымова" in " ".join(text.split())  # the badge may wrap a long name
    assert aigerim.token not in text


def test_a_media_persons_badge_is_printable_by_organisers_too(organiser_client, registration_open):
    accreditation = accreditation_services.approve(apply_for_accreditation(registration_open), by=None)
    registration = Registration.objects.get(pk=accreditation.registration_id)
    assert registration.status == Registration.Status.CONFIRMED

    response = organiser_client.get(badge_url(registration))

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")


def test_no_badge_before_the_place_is_confirmed(organiser_client, registration_open):
    pending = register(registration_open)
    assert pending.status == Registration.Status.PENDING

    html = organiser_client.get(reverse("admin:registration_registration_change", args=[pending.pk])).content.decode()

    assert "data-badge" not in html
    assert organiser_client.get(badge_url(pending)).status_code == 404


def test_no_badge_after_a_cancellation(organiser_client, aigerim):
    services.cancel_registration(aigerim)

    assert organiser_client.get(badge_url(aigerim)).status_code == 404


@pytest.mark.parametrize("role", ["Door staff", "Accreditation reviewers"])
def test_staff_who_may_not_change_a_person_get_no_badge(client, aigerim, role):
    sign_in(client, staff_member("staff", role))

    assert client.get(badge_url(aigerim)).status_code == 403


def test_staff_who_only_view_people_see_no_badge_link(client, aigerim):
    viewer = staff_member("vera", "Accreditation reviewers")
    viewer.user_permissions.add(Permission.objects.get(codename="view_registration"))
    sign_in(client, viewer)

    html = client.get(reverse("admin:registration_registration_change", args=[aigerim.pk])).content.decode()

    assert aigerim.last_name in html
    assert "data-badge" not in html
    assert client.get(badge_url(aigerim)).status_code == 403


def test_the_badge_needs_a_signed_in_staff_member(client, aigerim):
    response = client.get(badge_url(aigerim))

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


# --- the site's icon -----------------------------------------------------------------------------------------------

ICON = '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">'


def test_every_admin_page_shows_the_sites_icon(client, organiser, aigerim):
    login = client.get(reverse("admin:login")).content.decode()
    sign_in(client, organiser)
    pages = [
        reverse("admin:index"),
        reverse("admin:registration_registration_changelist"),
        reverse("admin:registration_registration_change", args=[aigerim.pk]),
        reverse("admin:agenda_session_add"),
        reverse("admin:registration_dashboard"),
        reverse("admin:two_factor"),
    ]

    assert ICON in login
    for page in pages:
        assert ICON in client.get(page).content.decode(), page
