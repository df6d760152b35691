"""The active rules, listed in ``settings.CONTRADICT_RULES`` like Django's password validators."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from contradict.engine.rules import Rule


@lru_cache(maxsize=8)
def _rules_from(paths: tuple[str, ...]) -> tuple[Rule, ...]:
    rules = []
    for path in paths:
        try:
            rule_class = import_string(path)
        except ImportError as error:
            raise ImproperlyConfigured(
                f"CONTRADICT_RULES names {path!r}, which cannot be imported: {error}"
            ) from error
        rules.append(rule_class())
    return tuple(rules)


def active_rules() -> tuple[Rule, ...]:
    """Return the rules listed in ``settings.CONTRADICT_RULES``, instantiated, in order."""
    return _rules_from(tuple(settings.CONTRADICT_RULES))


def rules_by_code() -> dict[str, Rule]:
    """Return the active rules by their stable code."""
    return {rule.code: rule for rule in active_rules()}
