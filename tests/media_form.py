"""The media accreditation form in a browser: its documents on disk, filled in and sent as a journalist would."""

import pytest

from tests.documents import image_bytes, pdf_bytes


@pytest.fixture
def documents(tmp_path) -> dict:
    files = {
        "press_card": ("press-card.png", image_bytes(800, 500, kind="PNG")),
        "assignment_letter": ("letter.pdf", pdf_bytes()),
        "photo": ("photo.jpg", image_bytes(600, 800, gps=True)),
        "landscape": ("holiday.jpg", image_bytes(1200, 800)),
    }
    for name, content in files.values():
        (tmp_path / name).write_bytes(content)
    return {key: str(tmp_path / name) for key, (name, _content) in files.items()}


def fill_in_the_application(page, documents: dict, *, photo: str) -> None:
    page.select_option("#id_honorific", "ms")
    page.fill("#id_first_name", "Дана")
    page.fill("#id_last_name", "Әбенова")
    page.fill("#id_email", "dana@example.org")
    page.fill("#id_phone", "+7 701 555 0101")
    page.select_option("#id_country", "KZ")
    page.select_option("#id_nationality", "KZ")
    page.fill("#id_organisation", "Qazaqstan TV")
    page.select_option("#id_outlet_type", "tv")
    page.select_option("#id_outlet_country", "KZ")
    page.fill("#id_outlet_website", "https://qazaqstan.tv")
    page.select_option("#id_role", "reporter")
    page.fill("#id_position", "Корреспондент")
    page.fill("#id_press_card_number", "KZ-PR-2023-0417")
    page.fill("#id_press_card_issuer", "Министерство информации")
    page.check('input[name="working_languages"][value="kk"]')
    page.check('input[name="working_languages"][value="ru"]')
    page.check('input[name="equipment"][value="camera"]')
    page.set_input_files("#id_press_card", documents["press_card"])
    page.set_input_files("#id_assignment_letter", documents["assignment_letter"])
    page.set_input_files("#id_photo", documents[photo])
    page.check('input[name="interpretation_language"][value="ru"]')
    page.check("#id_consent")


def apply(page) -> None:
    page.locator('main form button[type="submit"]').click()
