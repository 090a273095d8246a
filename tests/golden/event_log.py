"""Loading an event log the way `growthlens --kind events` reads it, with pandas, for the golden
scripts of paths and behavioural retention (make_paths_golden.py,
make_behaviour_retention_golden.py).

Choices (the C++ reader's, documented in docs/ANALYTICS.md and tests/golden/make_events_golden.py):
  * times are converted to UTC; day = UTC calendar day, ms = milliseconds since UTC midnight;
  * rows equal in (user, UTC time to the millisecond, event) are one event (the first is kept);
  * a user's events are in time order, ties in file order (a stable sort).
"""

import pandas as pd

BPIC = {
    "source": "tests/data/bpic2012_events.csv.xz",
    "user": "case:concept:name",
    "event": "concept:name",
    "time": "time:timestamp",
    "where": ("lifecycle:transition", "COMPLETE"),
}
GENERATED = {
    "source": "tests/golden/events_generated_small.csv",
    "user": "user_id",
    "event": "event",
    "time": "timestamp",
    "where": None,
}


def load(spec):
    """DataFrame user, event, day, ms (time in ms since 1970, UTC), in time order per user."""
    frame = pd.read_csv(spec["source"], dtype=str, keep_default_na=False)
    if spec["where"]:
        column, value = spec["where"]
        frame = frame[frame[column] == value]
    events = pd.DataFrame({
        "user": frame[spec["user"]].values,
        "event": frame[spec["event"]].values,
        "time": pd.to_datetime(frame[spec["time"]], utc=True).values,
    })
    events = events.drop_duplicates(subset=["user", "time", "event"], keep="first")
    epoch = pd.Timestamp("1970-01-01", tz="UTC")
    millis = (pd.to_datetime(events["time"], utc=True) - epoch) // pd.Timedelta(milliseconds=1)
    events = events.assign(ms=millis.astype("int64"), day=(millis // 86_400_000).astype("int64"))
    events = events.reset_index(drop=True)
    events["order"] = range(len(events))
    return events.sort_values(["user", "ms", "order"], kind="stable").reset_index(drop=True)
