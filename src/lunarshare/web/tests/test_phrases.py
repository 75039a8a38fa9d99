"""Words, never codes: every audit verb the code writes has a phrase, every choice a translated
label, and the pages that show timelines, genealogy, loan items and compliance rules show
phrases in the page's language, never ``snake_case`` codes or ``lunarshare.*`` verbs."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.db import models
from django.test import Client
from django.utils import translation

import lunarshare
from lunarshare.catalog.models import CustodyEvent
from lunarshare.loans.models import ExtensionRequest
from lunarshare.programs.models import ApplicationStatus, ComplianceRule
from lunarshare.web.phrases import UNKNOWN_VERB, VERB_PHRASES, choice_label, verb_phrase

SOURCE = Path(lunarshare.__file__).resolve().parent
CJK = re.compile(r"[\u4e00-\u9fff]")
CODE = re.compile(r"\b[a-z]+_[a-z_]+\b|lunarshare\.[a-z_]+\.[a-z_.]+")


def _audit_verbs_in_code() -> tuple[set[str], set[str]]:
    """Verbs passed to ``audit.record``: literal ones, and the f-string patterns (``a.b_{x}``)."""
    literal, patterns = set(), set()
    for path in SOURCE.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "record"
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == "audit"):
                continue
            for keyword in node.keywords:
                if keyword.arg != "verb":
                    continue
                if isinstance(keyword.value, ast.Constant):
                    literal.add(keyword.value.value)
                elif isinstance(keyword.value, ast.JoinedStr):
                    patterns.add("".join(v.value if isinstance(v, ast.Constant) else "{}" for v in keyword.value.values))
    return literal, patterns


# What each f-string verb expands to (the values the code can pass).
DYNAMIC_VERBS = {
    "sample.custody_{}": [f"sample.custody_{k}" for k in CustodyEvent.Kind.values],
    "sample.custody_{}_bulk": [f"sample.custody_{k}_bulk" for k in CustodyEvent.Kind.values],
    "application.{}": [f"application.{s}" for s in (ApplicationStatus.APPROVED, ApplicationStatus.REDUCED,
                                                    ApplicationStatus.REJECTED)],
    "import_job.{}": [f"import_job.{s}" for s in ("running", "done", "rejected", "failed")],
    "loan.extension_{}": [f"loan.extension_{s}" for s in (ExtensionRequest.Status.GRANTED, ExtensionRequest.Status.REFUSED)],
}


def test_every_audit_verb_written_by_the_code_has_a_phrase():
    literal, patterns = _audit_verbs_in_code()
    assert len(literal) > 50, "the scan should find the services' verbs"
    unknown_patterns = patterns - set(DYNAMIC_VERBS)
    assert not unknown_patterns, f"new f-string verbs: list their values in DYNAMIC_VERBS: {unknown_patterns}"
    verbs = literal | {v for pattern in patterns for v in DYNAMIC_VERBS[pattern]}
    missing = sorted(v for v in verbs if v.removeprefix("lunarshare.") not in VERB_PHRASES)
    assert not missing, f"add a phrase to web/phrases.py VERB_PHRASES for: {missing}"


def test_a_verb_without_a_phrase_still_reads_as_words():
    assert verb_phrase("lunarshare.loan.signed") == "Loan agreement signed"
    assert verb_phrase("lunarshare.something.new_thing") == str(UNKNOWN_VERB)


def _text_choices():
    seen, stack = [], list(models.TextChoices.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.startswith("lunarshare."):
            seen.append(cls)
    return seen


def test_every_status_type_and_kind_has_a_chinese_label():
    choices = _text_choices()
    assert len(choices) > 30
    untranslated = []
    with translation.override("zh-hans"):
        for cls in choices:
            for value, label in cls.choices:
                if not CJK.search(str(label)) and not re.fullmatch(r"[A-Z0-9 .()\-/+]+", str(label)):
                    untranslated.append(f"{cls.__qualname__}.{value}: {label}")
    assert not untranslated, untranslated


def test_choice_labels_follow_the_language():
    assert choice_label("rock_chip", "sample_type") == "Rock chip"
    with translation.override("zh-hans"):
        assert CJK.search(choice_label("on_loan", "sample_status"))


def test_compliance_rules_read_as_sentences_in_each_language(db):
    from lunarshare.programs import compliance
    from lunarshare.programs.tests.factories import make_round

    round_ = make_round(rules=[(ComplianceRule.Type.LEGAL_REVIEW, compliance.preset_params("wolf_amendment")),
                               (ComplianceRule.Type.MASS_LIMITS, {"per_form_ug": {"powder": 500_000}})])
    wolf, limits = round_.compliance_rules.order_by("id")
    assert str(wolf) == "Wolf Amendment legal review"
    assert "United States" in wolf.description and "NASA" in wolf.description and "{" not in wolf.description
    assert "500 mg of Powder" in limits.description
    with translation.override("zh-hans"):
        assert str(wolf) == "沃尔夫条款法律审查"
        assert "美国" in wolf.description and "沃尔夫条款" in wolf.description
        assert "粉末" in limits.description


def _visible_text(html: str) -> str:
    html = re.sub(r"(?s)<(script|style|textarea|select)\b.*?</\1>", " ", html)
    html = re.sub(r"(?s)<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", html)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_loan_and_sample_pages_show_phrases_not_codes(people, language):
    from lunarshare.catalog.services import ChildSpec, sample_split
    from lunarshare.loans.tests.factories import received_loan

    loan = received_loan(people, masses=(40_000,))
    parent = loan.parent_sample
    sample_split(actor=people.curator, parent=parent, children=[ChildSpec(mass_ug=20_000, type="polished_section")],
                 reason="thin sections for the demo")
    client = Client()
    client.force_login(people.curator)
    expected = {"en": ["Material allocated", "Sample split into pieces"], "zh-hans": ["已分配样品", "样品已分样"]}[language]
    pages = {f"/{language}/loans/{loan.pk}/": expected[0], f"/{language}/samples/{parent.identifier}/": expected[1]}
    for url, phrase in pages.items():
        response = client.get(url)
        assert response.status_code == 200
        text = _visible_text(response.content.decode())
        assert not CODE.findall(text), (url, CODE.findall(text))
        assert phrase in text, url


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_mission_sources_are_citations_in_the_page_language(db, language):
    from lunarshare.catalog.demo import _missions

    _missions()
    client = Client()
    listing = _visible_text(client.get(f"/{language}/missions/").content.decode())
    html = client.get(f"/{language}/missions/CE5/").content.decode()
    text = _visible_text(html)
    assert ".csv" not in text and "shared/data" not in text and "programme-facts" not in text
    assert '<a href="http://english.spacechina.com/n17212/c3111999/content.html"' in html
    if language == "zh-hans":
        assert "国家航天局（CNSA）" in text and "返回质量 1731 克" in text
        assert "苏联航天计划" in listing and "Soviet space programme" not in listing
    else:
        assert "Returned mass 1,731 g" in text and "Soviet space programme" in listing


def test_the_demo_samples_have_chinese_descriptions(people):
    from lunarshare.catalog.demo import change_rows, chinese_description

    untranslated = [row["identifier"] for row in change_rows()
                    if re.search(r"\b(?!NASA|FIB|Appl|Surf|Sci|JGR|Planets|Boschi|Zhang|Mo\b)[A-Za-z]{4,}",
                                 re.sub(r"doi:\S+", "", chinese_description(row["description"])))]
    assert not untranslated


def test_the_catalogue_follows_the_glossary():
    """docs/i18n.md: the agency is 航天局 (never 本机构, "this institution"), a round is 批次."""
    from lunarshare.web.tests.test_translations import CATALOGUE, _read

    strings = [m.string if isinstance(m.string, str) else " ".join(m.string) for m in _read(CATALOGUE) if m.id]
    assert not [s for s in strings if "本机构" in s]
    assert not [s for s in strings if "轮次" in s]


@pytest.mark.parametrize(("language", "shown", "hidden"), [
    ("en", "All sections are complete", "申请内容完整"),
    ("zh-hans", "申请内容完整", "All sections are complete"),
])
def test_the_round_desk_speaks_one_language(people, language, shown, hidden):
    from lunarshare.programs import compliance
    from lunarshare.programs.tests.factories import make_round

    round_ = make_round(rules=[(ComplianceRule.Type.LEGAL_REVIEW, compliance.preset_params("wolf_amendment"))])
    client = Client()
    client.force_login(people.officer)
    html = client.get(f"/{language}/desk/rounds/{round_.pk}/").content.decode()
    text = _visible_text(html)
    assert shown in text and hidden not in text
    assert '"countries"' not in html and "{'countries'" not in html  # rules as sentences, not parameters
    assert ("Wolf Amendment legal review" if language == "en" else "沃尔夫条款法律审查") in text


@pytest.mark.parametrize(("language", "phrases"), [
    ("en", ["Material allocated", "Rock chip"]),
    ("zh-hans", ["已分配样品", "岩屑"]),
])
def test_a_curator_reads_the_loan_timeline_in_words(page, people, language, phrases):
    from lunarshare.loans.tests.factories import received_loan
    from lunarshare.testing.helpers import browser_login

    loan = received_loan(people, masses=(40_000,))
    loan.items.update(form="rock_chip")
    browser_login(page, people.curator.username, language=language)
    page.goto(f"{page.base_url}/{language}/loans/{loan.pk}/")
    text = page.locator("main").inner_text()
    for phrase in phrases:
        assert phrase in text
    assert not CODE.findall(text), CODE.findall(text)
