#!/usr/bin/python3
"""Golden values for the events reader (issue 18.1), computed with pandas.

Independent reference (pandas, not GrowthLens) for tests/events_golden_test.cc. Run from the
repo root (Debian's python3-pandas; pandas 1.5.3, python 3.11.2):

    /usr/bin/python3 tests/golden/make_events_golden.py [path/to/bpic2012_events.csv.xz]

(default input: tests/data/bpic2012_events.csv.xz, the BPI Challenge 2012 event log, see
tests/data/SOURCES.md). Deterministic; takes a few seconds.

Writes into tests/golden/:
  bpic2012_events.golden      key value lines: rows, users, events, first_day, last_day,
                              duplicates, day_sum, ms_sum
  bpic2012_events_days.csv    day,events,users: events and distinct users per UTC day

CHOICES (the C++ reader must match these; every value is an integer, so the tolerance is 0):
  * Mapping: user = case:concept:name, time = time:timestamp, event = concept:name (the test
    reads with --kind events and those three columns; the other columns are not read).
  * Times: ISO 8601 with milliseconds and a +01:00/+02:00 offset, converted to UTC by pandas
    (utc=True); the day is the UTC calendar day, ms = milliseconds since UTC midnight.
  * Duplicates: rows equal in the mapped columns (user, UTC time to the millisecond, event) are
    one event; later copies are dropped (the default `duplicate` rule).
  * day_sum / ms_sum: the sums over kept rows of the day number (days since 1970-01-01) and of
    the millisecond of the day: a change of one row's day or time shows in them.
"""

import sys

import pandas as pd

source = sys.argv[1] if len(sys.argv) > 1 else "tests/data/bpic2012_events.csv.xz"
frame = pd.read_csv(source, dtype=str, keep_default_na=False)
events = pd.DataFrame({
    "user": frame["case:concept:name"],
    "time": pd.to_datetime(frame["time:timestamp"], utc=True),
    "event": frame["concept:name"],
})
rows_read = len(events)
events = events.drop_duplicates(subset=["user", "time", "event"], keep="first")
epoch = pd.Timestamp("1970-01-01", tz="UTC")
millis = (events["time"] - epoch) // pd.Timedelta(milliseconds=1)
day = millis // 86_400_000
ms_of_day = millis - day * 86_400_000
events = events.assign(day=day, ms=ms_of_day)

header = (
    "# Made by tests/golden/make_events_golden.py (pandas) from tests/data/bpic2012_events.csv.xz;\n"
    "# user = case:concept:name, time = time:timestamp (to UTC), event = concept:name. Exact.\n"
)
with open("tests/golden/bpic2012_events.golden", "w") as out:
    out.write(header)
    out.write(f"rows {len(events)}\n")
    out.write(f"users {events['user'].nunique()}\n")
    out.write(f"events {events['event'].nunique()}\n")
    out.write(f"first_day {pd.Timestamp(int(day.min()), unit='D').date()}\n")
    out.write(f"last_day {pd.Timestamp(int(day.max()), unit='D').date()}\n")
    out.write(f"duplicates {rows_read - len(events)}\n")
    out.write(f"day_sum {int(events['day'].sum())}\n")
    out.write(f"ms_sum {int(events['ms'].sum())}\n")

per_day = events.groupby("day").agg(events=("user", "size"), users=("user", "nunique"))
with open("tests/golden/bpic2012_events_days.csv", "w") as out:
    out.write(header)
    out.write("day,events,users\n")
    for day_number, row in per_day.iterrows():
        date = pd.Timestamp(int(day_number), unit="D").date()
        out.write(f"{date},{row['events']},{row['users']}\n")
