"""Statement languages as BCP 47 tags, checked against the IANA subtag registry (langcodes)."""

from __future__ import annotations

import langcodes
from django.core.exceptions import ValidationError

# The longest tag a statement keeps: a language, script, region and a variant or two.
MAX_TAG_LENGTH = 35


def language_tag_clean(tag: str) -> str:
    """Return ``tag`` in its standard form ("en-us" -> "en-US", "eng" -> "en"), or raise.

    Empty stays empty (the language is not known). A tag that does not parse, or whose subtags
    are not registered ("xx-invalid"), is refused.
    """
    if not tag:
        return ""
    error = ValidationError(
        f"{tag[:40]!r} is not a BCP 47 language tag (en, uk, ru-RU, zh-Hant-TW).",
        code="invalid_language",
    )
    if len(tag) > MAX_TAG_LENGTH:
        raise error
    try:
        valid = langcodes.Language.get(tag).is_valid()
    except ValueError:  # LanguageTagError is one
        valid = False
    if not valid:
        raise error
    return langcodes.standardize_tag(tag)


def validate_language_tag(value: str) -> None:
    """Refuse a value that is not a registered BCP 47 language tag."""
    language_tag_clean(value)
