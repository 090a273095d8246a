#!/usr/bin/python3
"""Golden values for event properties (issue 18: `usage --by PROPERTY`), computed with pandas.

Independent reference (pandas, not GrowthLens) for tests/event_properties_golden_test.cc. Run
from the repo root (Debian's python3-pandas; pandas 1.5.3, python 3.11.2):

    /usr/bin/python3 tests/golden/make_event_properties_golden.py [bpic2012_events.csv.xz]

(default input: tests/data/bpic2012_events.csv.xz, the BPI Challenge 2012 event log, see
tests/data/SOURCES.md). Deterministic; takes a few seconds.

Writes tests/golden/bpic2012_by_<property>.csv for the properties org:resource,
lifecycle:transition and case:AMOUNT_REQ: value,events,users,adoption per value, most events
first, ties by value (as text, byte order).

CHOICES (the C++ side must match these):
  * Mapping: user = case:concept:name, time = time:timestamp, event = concept:name; every other
    column is a property, its values the CSV text as written (dtype=str); an empty cell is the
    value "" ("(not set)" in tables).
  * Duplicates: rows equal in (user, UTC time to the millisecond, event) are one event, the
    first kept with its properties (the default `duplicate` rule).
  * events = rows per value (no count column: each row is one event); users = distinct users
    with a row of that value; adoption = users / distinct users with any row. events and users
    are integers (tolerance 0); adoption is written with 12 significant digits (tolerance 1e-9).
"""

import sys

import pandas as pd

PROPERTIES = ["org:resource", "lifecycle:transition", "case:AMOUNT_REQ"]

source = sys.argv[1] if len(sys.argv) > 1 else "tests/data/bpic2012_events.csv.xz"
frame = pd.read_csv(source, dtype=str, keep_default_na=False)
frame["utc"] = pd.to_datetime(frame["time:timestamp"], utc=True)
frame = frame.drop_duplicates(subset=["case:concept:name", "utc", "concept:name"], keep="first")
active = frame["case:concept:name"].nunique()

for prop in PROPERTIES:
    per_value = frame.groupby(prop).agg(
        events=("case:concept:name", "size"), users=("case:concept:name", "nunique"))
    per_value = per_value.reset_index().rename(columns={prop: "value"})
    per_value["key"] = per_value["value"].map(lambda text: text.encode("utf-8"))
    per_value = per_value.sort_values(["events", "key"], ascending=[False, True])
    name = prop.replace(":", "_")
    with open(f"tests/golden/bpic2012_by_{name}.csv", "w") as out:
        out.write(f"# Made by tests/golden/make_event_properties_golden.py (pandas) from "
                  f"tests/data/bpic2012_events.csv.xz: usage --by {prop}.\n")
        out.write("value,events,users,adoption\n")
        for row in per_value.itertuples():
            out.write(f"{row.value},{row.events},{row.users},{row.users / active:.12g}\n")
