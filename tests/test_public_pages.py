"""The conference page and the programme tell every fact of the event, in each language."""

import html
import re
from datetime import UTC, datetime

import pytest
import time_machine

pytestmark = pytest.mark.django_db

FACTS = {
    "": [
        "Women, Peace and Security: conference of the Dialogue of Women of Central Asia",
        "16 October 2023, 10:00–17:15 (Almaty time, UTC+06:00)",
        "Almaty, Kazakhstan",
        "Parliament of the Republic of Kazakhstan",
        "National Commission for Women Affairs, Family and Demographic Policy under the President",
        "UN Women",
        "United Nations Regional Centre for Preventive Diplomacy for Central Asia (UNRCCA)",
        "diplomatic corps",
        "2021 — Uzbekistan",
        "2022 — Turkmenistan",
        "2023 — Kazakhstan",
        "Participation",
        "Protection",
        "Prevention",
        "Relief and recovery",
        "Kyrgyzstan",
        "Tajikistan",
        "The conference was streamed live.",  # the seeded conference is over
        "Conference secretariat",
        "#TheDialogueOfWomenOfCentralAsia",
        "#WomenPeaceAndSecurity",
    ],
    "/ru": [
        "«Женщины, мир и безопасность»: конференция Диалога женщин Центральной Азии",
        "16 октября 2023 г., 10:00–17:15 (по времени Алматы, UTC+06:00)",
        "Алматы, Казахстан",
        "Парламент Республики Казахстан",
        "Национальная комиссия по делам женщин и семейно-демографической политике",
        "Структура «ООН-женщины»",
        "дипломатического корпуса",
        "2021 — Узбекистан",
        "2022 — Туркменистан",
        "Председательство",
        "Участие",
        "Защита",
        "Предотвращение",
        "Помощь и восстановление",
        "Национальные планы действий в Центральной Азии",
        "Кыргызстан",
        "Таджикистан",
        "Секретариат конференции",
        "#WomenPeaceAndSecurity",
    ],
    "/kk": [
        "«Әйелдер, бейбітшілік және қауіпсіздік»: Орталық Азия әйелдері диалогының конференциясы",
        "16 қазан 2023 ж., 10:00–17:15 (Алматы уақытымен, UTC+06:00)",
        "Алматы, Қазақстан",
        "Қазақстан Республикасының Парламенті",
        "Әйелдер істері және отбасылық-демографиялық саясат жөніндегі ұлттық комиссия",
        "БҰҰ-Әйелдер",
        "дипломатиялық корпустың",
        "2021 — Өзбекстан",
        "2022 — Түрікменстан",
        "Төрағалық",
        "Қатысу",
        "Қорғау",
        "Алдын алу",
        "Көмек және қалпына келтіру",
        "Орталық Азиядағы ұлттық іс-қимыл жоспарлары",
        "Қырғызстан",
        "Тәжікстан",
        "Конференция хатшылығы",
        "#WomenPeaceAndSecurity",
    ],
}


def page_text(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def visible_text(markup: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", markup))


@pytest.mark.parametrize("prefix", FACTS)
def test_it_tells_every_fact_of_the_event_in_the_language_of_the_url(client, conference_2023, prefix):
    markup = page_text(client, f"{prefix}/")
    text = visible_text(markup)

    missing = [fact for fact in FACTS[prefix] if fact not in text]
    assert missing == []
    assert f'<html lang="{prefix.strip("/") or "en"}">' in markup


@pytest.mark.parametrize(
    ("prefix", "heading", "opening", "interpretation", "pillar"),
    [
        ("", "Programme", "Opening of the conference", "Interpretation: Kazakh, Russian, English", "Prevention"),
        (
            "/ru",
            "Программа",
            "Открытие конференции",
            "Синхронный перевод: казахский, русский, английский",
            "Предотвращение",
        ),
        (
            "/kk",
            "Бағдарлама",
            "Конференцияның ашылуы",
            "Ілеспе аударма: қазақ тілі, орыс тілі, ағылшын тілі",
            "Алдын алу",
        ),
    ],
)
def test_it_shows_the_programme_in_each_language(
    client, conference_2023, prefix, heading, opening, interpretation, pillar
):
    text = page_text(client, f"{prefix}/agenda/")

    assert f'<h1 class="h2">{heading}</h1>' in text
    assert opening in text
    assert interpretation in text
    assert pillar in text
    assert "UTC+06:00" in text
    assert re.search(r"10:00</time>–<time[^>]*>10:45", text)
    assert re.search(r"16:45</time>–<time[^>]*>17:15", text)


def test_it_lists_speakers_rooms_and_times_on_the_programme(client, conference_2023):
    text = page_text(client, "/agenda/")

    assert "Chair:</span> <strong>Representative of the Parliament of the Republic of Kazakhstan</strong>" in text
    assert "Plenary hall" in text
    assert "Restaurant" in text
    assert "draft" not in text  # 2026: the seeded conference is over, its programme final
    assert 'datetime="2023-10-16T10:00:00+06:00"' in text


def test_it_marks_the_running_and_next_session_on_the_conference_day(client, conference_2023):
    with time_machine.travel(datetime(2023, 10, 16, 5, 30, tzinfo=UTC), tick=False):  # 11:30 in Almaty
        text = page_text(client, "/agenda/")

    now = text.index('data-marker="now"')
    following = text.index('data-marker="next"')
    assert text.count('data-marker="now"') == text.count('data-marker="next"') == 1
    assert text.index("Implementing UNSCR 1325") > now
    assert text.index("Coffee break") > following > now


def test_it_marks_nothing_on_another_day(client, conference_2023):
    with time_machine.travel(datetime(2023, 10, 17, 5, 30, tzinfo=UTC), tick=False):
        text = page_text(client, "/agenda/")

    assert "data-marker" not in text


def test_it_links_every_page_to_itself_in_the_other_languages(client, conference_2023):
    text = page_text(client, "/ru/agenda/")

    assert 'href="/agenda/" hreflang="en"' in text
    assert 'href="/kk/agenda/" hreflang="kk"' in text
    assert 'href="/ru/agenda/" hreflang="ru"' in text


def test_it_serves_english_without_a_prefix_whatever_the_browser_asks(client, conference_2023):
    text = page_text(client, "/")
    asked_russian = client.get("/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()

    assert '<html lang="en">' in text
    assert '<html lang="en">' in asked_russian


def test_it_escapes_what_organisers_type(client, conference_2023):
    conference_2023.title_en = "<script>alert(1)</script> WPS"
    conference_2023.save()

    raw = client.get("/").content.decode()

    assert "<script>alert(1)</script>" not in raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt; WPS" in raw


def test_it_shows_a_friendly_page_when_no_conference_is_published(client, conference_2023):
    conference_2023.is_published = False
    conference_2023.save()

    response = client.get("/kk/")

    assert response.status_code == 404
    assert "конференция" in response.content.decode().lower()
