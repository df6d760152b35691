"""Helpers the admin modules share."""

from __future__ import annotations

from django.utils.text import Truncator


def excerpt(text: str, words: int = 14) -> str:
    """Return the first ``words`` words of ``text``, with an ellipsis when cut."""
    return Truncator(text).words(words)
