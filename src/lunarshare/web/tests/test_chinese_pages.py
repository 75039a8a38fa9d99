"""Read in Chinese, the pages show no English sentence left untranslated: every label, heading,
button, help text and accessible name on the main public pages and on each role's desk went
through the catalogue. (Data shown as entered — names, identifiers, links — is not text to
translate; the world built here has Chinese names where the real ones have them.)"""

import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation

from .browser_world import build_world

# Three or more words in a row, after the first all lower case: an English phrase, not a name,
# an identifier or a unit ("Apollo 11", "CE5C0400", "mg" do not match).
ENGLISH_PHRASE = re.compile(r"\b[A-Za-z][a-z]+(?:[ -][a-z]{2,}){2,}\b")
ACCESSIBLE_TEXT = ("aria-label", "title", "placeholder", "alt")


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hidden_depth = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.hidden_depth += 1
        self.texts.extend(f"[{name}] {value}" for name, value in attrs if name in ACCESSIBLE_TEXT and value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden_depth -= 1

    def handle_data(self, data):
        if not self.hidden_depth and data.strip():
            self.texts.append(data.strip())


def english_left(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return [text for text in parser.texts if ENGLISH_PHRASE.search(text) and "://" not in text]


PUBLIC = [
    ("web:home", ()), ("catalog:sample-list", ()), ("catalog:mission-list", ()), ("catalog:mission-detail", ("CE6",)),
    ("insights:dashboard", ()), ("cooperation:home", ()), ("cooperation:payload-list", ()),
    ("cooperation:partner-list", ()), ("cooperation:agreement-list", ()), ("cooperation:gift-list", ()),
    ("programs:rule-list", ()), ("programs:round-list", ()), ("programs:results-list", ()),
    ("science:compare", ()), ("science:dataset-list", ()), ("science:publication-list", ()),
    ("account_login", ()), ("account_signup", ()), ("account_reset_password", ()),
]
DESKS = {
    "alice": ["web:desk", "accounts:profile", "accounts:notifications", "accounts:affiliation", "programs:my-applications",
              "loans:my-loans"],
    "cura": ["web:desk", "catalog:curator-home", "catalog:sample-register", "catalog:sample-import", "loans:loan-list",
             "loans:incident-list", "loans:report"],
    "offi": ["web:desk", "programs:officer-home", "programs:round-new", "programs:rule-new", "accounts:officer-people",
             "cooperation:payload-create", "cooperation:partner-create", "cooperation:agreement-create",
             "cooperation:gift-create", "science:reports-overdue", "science:dataset-create"],
    "revi": ["web:desk", "programs:my-reviews"],
}


def _zh(name, *args):
    with translation.override("zh-hans"):
        return reverse(name, args=args)


@pytest.mark.django_db
def test_the_public_pages_in_chinese_leave_no_english_sentence(client):
    world = build_world()
    pages = [_zh(name, *args) for name, args in PUBLIC]
    pages += [_zh("catalog:sample-detail", world.ce6_sample.identifier), _zh("cooperation:payload-detail", world.payload.pk)]
    found = {}
    for path in pages:
        response = client.get(path)
        assert response.status_code == 200, path
        if left := english_left(response.content.decode()):
            found[path] = left
    assert not found, f"English left on Chinese pages (wrap it in translate/gettext): {found}"


@pytest.mark.django_db
def test_each_roles_desk_in_chinese_leaves_no_english_sentence(client, people):
    build_world()
    found = {}
    for username, names in DESKS.items():
        client.force_login(getattr(people, {"alice": "alice", "cura": "curator", "offi": "officer", "revi": "reviewer"}[username]))
        for name in names:
            path = _zh(name)
            response = client.get(path)
            assert response.status_code == 200, path
            if left := english_left(response.content.decode()):
                found[path] = left
    assert not found, f"English left on Chinese pages (wrap it in translate/gettext): {found}"


def test_the_detector_catches_an_untranslated_sentence():
    assert english_left("<main><p>样品目录</p><button>Save the draft</button></main>") == ["Save the draft"]
    assert english_left('<img alt="Chart of the values">') == ["[alt] Chart of the values"]
    assert english_left("<p>Apollo 11 · CE5C0400YJFM00505 · 1,935.3 g</p>") == []
