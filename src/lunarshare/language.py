"""Bilingual fields: the one rule for picking the English or the Chinese value of a record.

Records keep both languages side by side (``title_en``/``title_zh``, or ``label_en``/``label_zh``
keys in JSON lists). A page shows the value in its own language and falls back to the other
only when that one is empty, so a page never shows both.
"""

from __future__ import annotations

from django.utils.translation import get_language


def is_chinese() -> bool:
    return (get_language() or "en").startswith("zh")


def local(english: str, chinese: str) -> str:
    """The value in the page's language, falling back to the other when it is empty."""
    return (chinese or english) if is_chinese() else (english or chinese)


def pick(obj, field: str) -> str:
    """``pick(round_, "title")`` → ``round_.title_zh`` on a Chinese page (else ``title_en``);
    ``obj`` may be a model instance or a dict (checklist lines, JSON rows)."""
    first, second = (f"{field}_zh", f"{field}_en") if is_chinese() else (f"{field}_en", f"{field}_zh")
    get = obj.get if isinstance(obj, dict) else (lambda name, default="": getattr(obj, name, default))
    return get(first, "") or get(second, "") or ""
