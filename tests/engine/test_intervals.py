"""Times widened to their precision, and overlaps with open bounds."""

import datetime as dt

from contradict.engine.intervals import overlaps, widen

STRIKE = dt.datetime(2022, 6, 27, 12, 50, tzinfo=dt.UTC)


def test_a_date_only_time_covers_its_whole_day():
    start, end = widen(STRIKE, STRIKE, "day")
    assert start == dt.datetime(2022, 6, 27, tzinfo=dt.UTC).timestamp()
    assert end == dt.datetime(2022, 6, 28, tzinfo=dt.UTC).timestamp()


def test_an_hour_precision_time_covers_its_hour():
    start, end = widen(STRIKE, STRIKE, "hour")
    assert end - start == 3600
    assert start == dt.datetime(2022, 6, 27, 12, tzinfo=dt.UTC).timestamp()


def test_naive_times_are_read_as_utc():
    assert widen(STRIKE.replace(tzinfo=None), None, "second") == (STRIKE.timestamp(), None)


def test_open_bounds_reach_forever():
    assert overlaps(None, None, 5.0, 6.0)
    assert overlaps(None, 5.5, 5.0, 6.0)
    assert overlaps(5.5, None, 5.0, 6.0)
    assert not overlaps(6.0, None, 5.0, 6.0)
    assert not overlaps(None, 5.0, 5.0, 6.0)


def test_the_night_before_does_not_overlap_the_afternoon():
    night = widen(STRIKE.replace(hour=3, minute=0), STRIKE.replace(hour=3, minute=0), "hour")
    afternoon = widen(STRIKE, STRIKE, "hour")
    assert not overlaps(*night, *afternoon)
    whole_day = widen(STRIKE, STRIKE, "day")
    assert overlaps(*night, *whole_day) and overlaps(*afternoon, *whole_day)
