"""The country list of the affiliation form follows the language of the request."""

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def test_country_names_are_chinese_on_the_chinese_page_even_after_an_english_one(client, people):
    client.force_login(people.alice)
    with translation.override("en"):
        english = client.get(reverse("accounts:affiliation")).content.decode()
    with translation.override("zh-hans"):
        chinese = client.get(reverse("accounts:affiliation")).content.decode()
    assert "Democratic Republic of the Congo" in english
    # django-countries resolves this renamed country eagerly; it must still be Chinese here
    assert "Democratic Republic of the Congo" not in chinese and "刚果（金）" in chinese
