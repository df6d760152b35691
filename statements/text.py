"""Claims in words, from names and never internal ids: for titles, explanations, the admin."""

from __future__ import annotations

from functools import lru_cache
from types import SimpleNamespace

from contradict.engine.intervals import widen
from contradict.engine.text import choice_text, number_text, span_text

_COMPARATOR_WORDS = {"at_least": "at least ", "at_most": "at most ", "about": "about "}


def value_text(claim) -> str:
    """Return the value of a position or assertion in words ("about 1,000", "20 to 40")."""
    if claim.object_id is not None:
        return claim.object.name
    if claim.choice:
        return choice_text(claim.choice)
    if claim.number is not None:
        if claim.comparator == "between" and claim.number_high is not None:
            return f"between {number_text(claim.number)} and {number_text(claim.number_high)}"
        return f"{_COMPARATOR_WORDS.get(claim.comparator, '')}{number_text(claim.number)}"
    if claim.boolean is None:
        return "?"
    return "yes" if claim.boolean else "no"


# Many claims share a time (one event's window): a rebuild of thousands of dispute titles
# widened the same few spans again and again.
_widened = lru_cache(maxsize=4096)(widen)


def claim_span(claim) -> tuple[float | None, float | None]:
    """Return the time a claim is about as epoch seconds, widened to its precision."""
    return _widened(claim.valid_from, claim.valid_until, claim.time_precision)


def predicate_words(name: str) -> str:
    """Return a predicate's name as it reads mid-sentence: "facility status", "UN mandate"."""
    if len(name) > 1 and name[1].isupper():
        return name  # an acronym keeps its capitals
    return name[:1].lower() + name[1:]


def _claim_parts(claim) -> tuple[str, str, str, str]:
    """Return a claim's subject, predicate, value and time span in words."""
    value = value_text(claim)
    if claim.polarity == "denied":
        value = f"not {value}"
    return (
        claim.subject.name,
        predicate_words(claim.predicate.name),
        value,
        span_text(*claim_span(claim)),
    )


def position_text(claim) -> str:
    """Return a claim in words: "Amstor shopping mall · facility status: non-functioning · …".

    A denied claim reads "not …"; a claim with no time bound says "at any time".
    """
    return _sentence(*_claim_parts(claim))


def fact_text(fact, subject_name: str, object_name: str | None) -> str:
    """Return ``position_text`` of the position an engine fact stands for, from its names.

    The fact holds the position's columns and its span already widened (``claim_span``), so
    explanations need no read of the positions they name.
    """
    value = value_text(
        SimpleNamespace(
            object_id=fact.object,
            object=SimpleNamespace(name=object_name),
            choice=fact.choice,
            number=fact.number,
            number_high=fact.number_high,
            comparator=fact.comparator,
            boolean=fact.boolean,
        )
    )
    if not fact.affirmed:
        value = f"not {value}"
    predicate = predicate_words(fact.predicate.name)
    return _sentence(subject_name, predicate, value, span_text(fact.start, fact.end))


def _sentence(subject: str, predicate: str, value: str, span: str) -> str:
    return f"{subject} · {predicate}: {value} · {span}"


def claim_beside_title(claim, title: str) -> str:
    """Return a claim in words without what the dispute's ``title`` already says.

    A title reads "subject · predicate · span (+N related)"; a position under it names only
    the subject, predicate or span that differ from the title's: "non-functioning", or
    "people present: about 1,000" for a related question.
    """
    subject, predicate, value, span = _claim_parts(claim)
    shown = title.split(" (+", 1)[0].split(" · ")
    same = len(shown) == 3
    words = "" if same and subject == shown[0] else f"{subject} · "
    words += value if same and predicate == shown[1] else f"{predicate}: {value}"
    return words if same and span == shown[2] else f"{words} · {span}"
