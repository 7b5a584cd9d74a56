"""Names with their honorifics, in the order each language puts them."""

import pytest
from django.utils import translation

from agenda.models import FORMS_OF_ADDRESS, Honorific, addressed


@pytest.mark.parametrize(
    ("language", "honorific", "expected"),
    [
        ("en", "he", "H.E. Aigerim Kassymova"),
        ("en", "", "Aigerim Kassymova"),
        ("ru", "mr", "г-н Aigerim Kassymova"),
        ("kk", "mr", "Aigerim Kassymova мырза"),
        ("kk", "ms", "Aigerim Kassymova ханым"),
        ("kk", "he", "Мәртебелі Aigerim Kassymova"),
    ],
)
def test_a_name_takes_its_honorific_in_the_order_of_the_language(language, honorific, expected):
    with translation.override(language):
        assert addressed(honorific, "Aigerim Kassymova") == expected


def test_every_honorific_has_its_form_of_address():
    assert set(FORMS_OF_ADDRESS) == set(Honorific.values) - {Honorific.NONE}
