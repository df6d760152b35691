"""Time intervals as epoch seconds, widened to the precision they are known at.

An assertion's time is ``[start, end)`` in seconds since the epoch (UTC); ``None`` is an open
bound. A time known to the day covers the whole (UTC) day, one known to the hour the whole hour,
so "27 June" overlaps "27 June, 12:50" and "27 June 03:00 (hour)" does not overlap "27 June
15:50 (hour)".
"""

from __future__ import annotations

import math
from datetime import datetime

PRECISION_SECONDS = {"day": 86400, "hour": 3600, "minute": 60, "second": 1}


def widen(
    start: datetime | None, end: datetime | None, precision: str = "day"
) -> tuple[float | None, float | None]:
    """Return ``(start, end)`` as epoch floats, widened outward to whole units of ``precision``.

    Naive datetimes are read as UTC. The end is exclusive: the first second after the last unit.
    """
    unit = PRECISION_SECONDS.get(precision, 1)
    low = None if start is None else math.floor(_epoch(start) / unit) * unit
    high = None if end is None else (math.floor(_epoch(end) / unit) + 1) * unit
    return (None if low is None else float(low), None if high is None else float(high))


def _epoch(moment: datetime) -> float:
    if moment.tzinfo is None:
        return (moment - datetime(1970, 1, 1)).total_seconds()
    return moment.timestamp()


def overlaps(
    a_start: float | None, a_end: float | None, b_start: float | None, b_end: float | None
) -> bool:
    """Return whether ``[a_start, a_end)`` and ``[b_start, b_end)`` share a moment.

    An open bound (``None``) reaches forever in its direction, so an interval open on both
    sides overlaps everything.
    """
    if a_start is not None and b_end is not None and a_start >= b_end:
        return False
    return not (b_start is not None and a_end is not None and b_start >= a_end)
