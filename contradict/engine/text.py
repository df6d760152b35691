"""Numbers, ranges and time spans in words, for explanations and titles."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from functools import lru_cache


def number_text(value: float) -> str:
    """Return ``value`` as a reader writes it: 1000 rather than 1000.0, 2.5 as it is."""
    number = float(value)
    if number.is_integer():
        return f"{int(number):,}"
    return f"{number:g}"


def choice_text(choice: str) -> str:
    """Return a choice slug as words: ``non_functioning`` reads "non-functioning"."""
    return choice.replace("_", "-") if choice.startswith("non_") else choice.replace("_", " ")


def range_text(low: float, high: float) -> str:
    """Return the closed range ``[low, high]`` in words ("at least 18", "20 to 40")."""
    if low == -math.inf and high == math.inf:
        return "any number"
    if low == -math.inf:
        return f"at most {number_text(high)}"
    if high == math.inf:
        return f"at least {number_text(low)}"
    if low == high:
        return number_text(low)
    return f"{number_text(low)} to {number_text(high)}"


_DAY, _HOUR, _MINUTE = 86400, 3600, 60


def _moment(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def _point(epoch: float, unit: int) -> str:
    moment = _moment(epoch)
    date = f"{moment.day} {moment:%b %Y}"
    if unit >= _DAY:
        return date
    return f"{date} {moment:%H:%M}"


# Titles and explanations name the same few spans over and over (a re-check builds thousands).
@lru_cache(maxsize=4096)
def span_text(start: float | None, end: float | None) -> str:
    """Return the half-open span ``[start, end)`` of epoch seconds in words, in UTC.

    Whole days read as dates ("27 Jun 2022", "27–28 Jun 2022"), anything finer with times
    ("27 Jun 2022 12:00–13:00 UTC"); an open bound reads "until …" or "from …", and a span open
    on both sides "at any time".
    """
    if start is None and end is None:
        return "at any time"
    if start is None:
        return f"until {_point(end, _unit(end))}{_utc(end)}"  # type: ignore[arg-type]
    if end is None:
        return f"from {_point(start, _unit(start))}{_utc(start)}"
    whole_days = _unit(start) >= _DAY and _unit(end) >= _DAY
    if whole_days:
        first, last = _moment(start), _moment(end - _DAY)
        if first == last:
            return _point(start, _DAY)
        if (first.year, first.month) == (last.year, last.month):
            return f"{first.day}–{last.day} {first:%b %Y}"
        return f"{_point(start, _DAY)} – {_point(end - _DAY, _DAY)}"
    first, last = _moment(start), _moment(end)
    if first.date() == last.date() or (end - start <= _DAY and last.hour == last.minute == 0):
        until = f"{last:%H:%M}" if last.date() == first.date() else f"{last:%H:%M} +1 day"
        if last.hour == last.minute == 0 and last.date() != first.date():
            until = "24:00"
        return f"{_point(start, _MINUTE)}–{until} UTC"
    return f"{_point(start, _MINUTE)} – {_point(end, _MINUTE)} UTC"


def _unit(epoch: float) -> int:
    if epoch % _DAY == 0:
        return _DAY
    if epoch % _HOUR == 0:
        return _HOUR
    return _MINUTE


def _utc(epoch: float) -> str:
    return "" if _unit(epoch) >= _DAY else " UTC"
