"""Every user-facing string has a Simplified Chinese translation, and the catalogue is up to date.

The catalogue is ``src/lunarshare/locale/zh_Hans/LC_MESSAGES/django.po`` (one for the whole
project). Two checks:

1. the catalogue itself: no empty, no fuzzy entry, and placeholders (``%(name)s``) match;
2. the source: the messages in the code and templates, extracted afresh (with Django's
   ``makemessages`` when GNU gettext is installed, else with Babel over Django's own template
   lexer), are all in the catalogue. A new ``{% translate %}``/``gettext`` without a Chinese
   translation fails here with the list of what is missing and how to fix it.
"""

from __future__ import annotations

import contextlib
import io
import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.core.management import call_command
from django.test import override_settings
from django.utils import translation

import lunarshare

SOURCE = Path(lunarshare.__file__).resolve().parent
CATALOGUE = SOURCE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
HOW_TO_FIX = (
    "Run `cd src/lunarshare && ../../.venv/bin/lunarshare makemessages -l zh_Hans --no-obsolete "
    "--ignore=tests/*`, translate the new entries in locale/zh_Hans/LC_MESSAGES/django.po "
    "(see docs/i18n.md) and run `.venv/bin/python scripts/compile_messages.py`."
)
PLACEHOLDER = re.compile(r"%\([a-zA-Z_]+\)[sdfr]|%[sdfr]|\{[a-zA-Z_]*\}")


def _key(message) -> tuple:
    msgid = message.id if isinstance(message.id, str) else message.id[0]
    return (message.context or "", msgid)


def _read(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


@pytest.fixture(scope="module")
def catalogue():
    return _read(CATALOGUE)


def _label(key: tuple) -> str:
    context, msgid = key
    return f"[{context}] {msgid!r}" if context else repr(msgid)


# --- The catalogue ---------------------------------------------------------------------------


def test_every_message_in_the_catalogue_is_translated(catalogue):
    untranslated = []
    for message in catalogue:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if not all(s and s.strip() for s in strings):
            untranslated.append(_label(_key(message)))
    assert not untranslated, f"{len(untranslated)} message(s) without Chinese: {untranslated[:30]}\n{HOW_TO_FIX}"


def test_no_translation_is_fuzzy(catalogue):
    """msgmerge guesses ("fuzzy") for new strings that resemble old ones; a person must check them."""
    fuzzy = [_label(_key(m)) for m in catalogue if m.id and m.fuzzy]
    assert not fuzzy, f"{len(fuzzy)} fuzzy translation(s) to check and unflag: {fuzzy[:30]}"


def test_translations_keep_every_placeholder(catalogue):
    broken = []
    for message in catalogue:
        if not message.id:
            continue
        source = message.id if isinstance(message.id, str) else message.id[-1]
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        for string in strings:
            if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(string or "")):
                broken.append(f"{source!r} → {string!r}")
    assert not broken, "placeholders differ:\n" + "\n".join(broken[:30])


def test_the_catalogue_compiles_as_make_install_does(catalogue):
    """scripts/compile_messages.py writes the .mo with Babel; Babel's own checks (python-format
    placeholders and their types) must pass for every entry."""
    from io import BytesIO

    from babel.messages.mofile import write_mo

    problems = [f"{message.id!r}: {errors}" for message, errors in catalogue.check() if errors]
    assert not problems, problems[:20]
    buffer = BytesIO()
    write_mo(buffer, catalogue, use_fuzzy=False)
    assert buffer.tell() > 10_000


def test_the_catalogue_is_chinese():
    """Spot check through Django itself, so the compiled .mo is used, not just the .po."""
    with translation.override("zh-hans"):
        assert translation.gettext("Catalogue") == "样品目录"
        assert translation.gettext("Log in") == "登录"
    with translation.override("en"):
        assert translation.gettext("Catalogue") == "Catalogue"


# --- The source ------------------------------------------------------------------------------

_PY_KEYWORDS = {
    "_": None, "gettext": None, "gettext_lazy": None, "gettext_noop": None,
    "ngettext": (1, 2), "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2), "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3), "npgettext_lazy": ((1, "c"), 2, 3),
}


def _skip(path: Path) -> bool:
    parts = path.relative_to(SOURCE).parts
    return "tests" in parts or "migrations" in parts or "__pycache__" in parts


def extract_with_babel() -> set[tuple]:
    """Messages in the source without GNU gettext: Babel's Python extractor, and for templates
    Django's own ``templatize`` (what makemessages feeds to xgettext) followed by the same."""
    from io import BytesIO

    from babel.messages.extract import extract_python
    from django.utils.translation.template import templatize

    found: set[tuple] = set()

    def collect(text: str) -> None:
        for _lineno, _funcname, messages, _comments in extract_python(
            BytesIO(text.encode("utf-8")), _PY_KEYWORDS.keys(), [], {"encoding": "utf-8"}
        ):
            found.update(_interpret(_funcname, messages))

    for path in sorted(SOURCE.rglob("*.py")):
        if not _skip(path):
            collect(path.read_text(encoding="utf-8"))
    for path in sorted(SOURCE.rglob("*.html")) + sorted(SOURCE.rglob("*.txt")):
        if not _skip(path) and "templates" in path.parts:
            # templatize writes every message as one Python literal per call; the filler around
            # it (X…) may be indented at random, which only the tokenizer minds.
            code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
            collect("\n".join(line.lstrip() for line in code.splitlines()))
    return found


def _interpret(funcname: str, messages) -> set[tuple]:
    if isinstance(messages, str):
        messages = (messages,)
    spec = _PY_KEYWORDS.get(funcname)
    if spec is None:
        return {("", messages[0])} if messages and isinstance(messages[0], str) else set()
    context = ""
    singular = None
    for position, item in enumerate(spec, start=1):
        value = messages[position - 1] if position - 1 < len(messages) else None
        if isinstance(item, tuple):  # (n, "c"): the context
            context = value or ""
        elif singular is None:
            singular = value
    return {(context, singular)} if isinstance(singular, str) else set()


def extract_with_makemessages(tmp_path: Path) -> set[tuple]:
    """Exactly what `make messages` would put in the catalogue, written to a throwaway copy."""
    tree = tmp_path / "src"
    shutil.copytree(SOURCE, tree, ignore=shutil.ignore_patterns("tests", "locale", "__pycache__", "static"))
    (tree / "locale").mkdir()
    import os

    cwd = os.getcwd()
    os.chdir(tree)
    try:
        with override_settings(LOCALE_PATHS=[str(tree / "locale")]):
            call_command("makemessages", locale=["zh_Hans"], ignore_patterns=["tests/*"], verbosity=0)
    finally:
        os.chdir(cwd)
    # A fresh catalogue has two empty msgstr[] per plural while zh has one form: Babel prints a
    # warning for each, which is noise here (only the msgids are used).
    with contextlib.redirect_stdout(io.StringIO()):
        fresh = _read(tree / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    return {_key(m) for m in fresh if m.id}


@pytest.fixture(scope="module")
def source_messages(tmp_path_factory):
    if shutil.which("xgettext") and shutil.which("msgmerge"):
        return extract_with_makemessages(tmp_path_factory.mktemp("makemessages"))
    return extract_with_babel()


def test_every_message_in_the_source_is_in_the_catalogue(source_messages, catalogue):
    known = {_key(m) for m in catalogue if m.id}
    missing = sorted(source_messages - known)
    assert not missing, (
        f"{len(missing)} message(s) in the code have no Chinese translation yet: "
        + ", ".join(_label(k) for k in missing[:30])
        + f"\n{HOW_TO_FIX}"
    )


def test_the_extraction_finds_the_messages_of_code_and_templates(source_messages):
    """The extractor itself is trusted only if it finds strings we know are there."""
    assert ("", "Skip to content") in source_messages  # base.html, {% translate %}
    assert ("", "Applications close on %(date)s.") in source_messages  # home.html, {% blocktranslate %}
    assert ("", "Catalogue") in source_messages  # navigation.py, gettext_lazy
    assert ("", "Türkiye") in source_messages  # i18n_extra.py, gettext_noop


@pytest.mark.skipif(not shutil.which("xgettext"), reason="compares with GNU gettext, where it is installed")
def test_the_babel_fallback_agrees_with_makemessages(source_messages):
    """On machines without GNU gettext the test above uses Babel; it must see the same strings."""
    babel = extract_with_babel()
    assert babel == source_messages, (
        f"only makemessages: {sorted(source_messages - babel)[:10]}; only babel: {sorted(babel - source_messages)[:10]}"
    )
