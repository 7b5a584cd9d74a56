"""The privacy notice tells the truth: erasure is a button on the personal page, and the media's documents are named."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db

PROMISES = [
    "erase your data yourself",
    "press card",
    "assignment letter",
    "photo for the badge",
    "deleted after six hours",
    "accreditation reviewers",
]


def notice(client, language: str) -> str:
    prefix = "" if language == "en" else f"/{language}"
    return re.sub(r"\s+", " ", client.get(f"{prefix}/privacy/").content.decode())


def test_it_says_erasure_is_on_the_personal_page_and_what_it_deletes(client, conference_2023):
    page = notice(client, "en")

    for promise in PROMISES:
        assert promise in page
    assert "including erasing your data, write to" not in page  # the old, untrue way
    assert "every document you sent (press card, letter, photo)" in page
    assert f'href="{reverse("registration:lost-link")}"' in page


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_it_says_the_same_in_russian_and_kazakh(client, conference_2023, language):
    page = notice(client, language)
    english = notice(client, "en")

    paragraphs = re.findall(r"<(?:p|li)>(.*?)</(?:p|li)>", english[english.index("<main") :], flags=re.S)
    assert len(paragraphs) >= 10
    with translation.override(language):
        media = translation.gettext("Media accreditation")
    assert media != "Media accreditation"
    assert media in page
    for paragraph in paragraphs:
        first_words = paragraph.strip().split(" ")[:4]
        assert " ".join(first_words) not in page or first_words[0].startswith(("{", "<")), paragraph
