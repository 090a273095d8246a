#!/usr/bin/python3
"""Golden values for the lifecycle analysis (docs/ANALYTICS.md, "Lifecycle"), computed with pandas.

Independent reference (pandas, not GrowthLens) for tests/lifecycle_test.cc. Run from the repo
root (Debian's python3-pandas; pandas 1.5.3, numpy 1.24.2, python 3.11.2):

    /usr/bin/python3 tests/golden/make_lifecycle_golden.py [path/to/online_retail.csv.xz]

(default input: tests/data/online_retail.csv.xz; the usage log is
tests/golden/usage_small.csv, see make_analytics_golden.py for how it was generated). Fully
deterministic: no randomness, no dates of the run in any output. Takes a few seconds.

Writes into tests/golden/:
  lifecycle_online_retail_month.csv   period,days_in_data,days,active,new,returning,
  lifecycle_online_retail_week.csv      resurrecting,dormant,quick_ratio
  lifecycle_usage_small_month.csv     (same columns)
  lifecycle_usage_small_week.csv
  lifecycle_ranges.csv                dataset,period,from,to,first_period,last_period,periods,
                                      days_1..days_7,user_weeks
Each starts with '#' comment lines saying where it came from.

CHOICES (the C++ implementation must match these):
  * Input: Online Retail cleaned with the default rules, netting of cancelled orders included,
    as retail_cleaning.py writes them: 389,870 rows, 4,327 customers. A user is a
    CustomerID; day = InvoiceDate.normalize(). Usage log: user_id, day = event_date; the default
    usage rules drop nothing on usage_small.csv (asserted).
  * Period of a day: calendar month ("2011-01"), or ISO week labelled by its Monday
    ("2010-11-29"). The periods listed are EVERY period from the one of the first day of the
    data to the one of the last day, quiet ones included.
  * Active matrix A[user, period] = the user has at least one row in the period. Computed as a
    crosstab over all periods (not as a per-user walk, which is what the C++ does), then:
        prev     = A shifted one period right (False before the first period)
        before   = "A in any earlier period" = cummax(A) shifted one period right
        new          = A & ~before
        returning    = A & prev
        resurrecting = A & ~prev & before
        dormant      = ~A & prev            (a positive count)
    active = new + returning + resurrecting (asserted equal to A's column sums);
    quick_ratio = (new + resurrecting) / dormant, written with repr(); empty when dormant = 0.
  * days = calendar days of the period (7 for weeks); days_in_data = those of them between the
    first and the last day of the data. days_in_data < days marks a partial period: reported as
    it is (a partial last period has fewer active users and more dormant ones than a full one).
  * Stickiness: for every (user, ISO week) with a row, the number of distinct days with a row in
    that week (1..7); days_d = how many user-weeks have d; user_weeks = their total.
  * Ranges (lifecycle_ranges.csv): with from/to (inclusive days; empty = the data's own first or
    last day) the periods shown are those whose days overlap [from, to], counted over the whole
    data (activity before `from` still counts); first_period/last_period are their labels and
    periods their count. The stickiness weeks are the ISO weeks overlapping [from, to]; each is
    counted whole. Stickiness does not depend on the period (it is repeated on each row).
"""
import os
import sys

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    REPO, "tests", "data", "online_retail.csv.xz")
USAGE = os.path.join(HERE, "usage_small.csv")
COLUMNS = ["period", "days_in_data", "days", "active", "new", "returning", "resurrecting",
           "dormant", "quick_ratio"]


def header(title):
    return [f"# {title}",
            "# Source: tests/golden/make_lifecycle_golden.py (pandas, independent of GrowthLens);",
            "# definitions and every choice are in that script's header.",
            f"# pandas {pd.__version__}, numpy {np.__version__}, python {sys.version.split()[0]}"]


def write_csv(name, title, frame):
    with open(os.path.join(HERE, name), "w", newline="\n") as f:
        f.write("\n".join(header(title)) + "\n")
        frame.to_csv(f, index=False, lineterminator="\n")


# =========================================================================================
# Online Retail: load and clean with the default rules, netting included (retail_cleaning.py)
# =========================================================================================
def clean_online_retail(xz_path):
    sys.path.insert(0, HERE)
    import retail_cleaning  # noqa: E402
    df, raw, _ = retail_cleaning.read(xz_path)
    _, k, _, _ = retail_cleaning.clean(df, raw, net_cancellations=True)
    assert len(k) == 389870
    assert k["CustomerID"].nunique() == 4327
    return pd.DataFrame({"user": k["CustomerID"], "day": k["InvoiceDate"].dt.normalize()})


def load_usage_small():
    u = pd.read_csv(USAGE)
    ev = pd.to_datetime(u["event_date"], format="%Y-%m-%d", errors="coerce")
    su = pd.to_datetime(u["signup_date"], format="%Y-%m-%d", errors="coerce")
    drops = {
        "duplicate": int(u.duplicated(keep="first").sum()),
        "missing_id": int(u["user_id"].isna().sum()),
        "invalid_date": int(ev.isna().sum()),
        "non_positive_events": int((u["events_count"] <= 0).sum()),
        "event_before_signup": int((ev < su).sum()),
    }
    assert sum(drops.values()) == 0, drops
    return pd.DataFrame({"user": u["user_id"], "day": ev})


# =========================================================================================
# Lifecycle
# =========================================================================================
def monday_of(days):
    return days - pd.to_timedelta(days.dt.dayofweek, unit="D")


def period_starts(first_day, last_day, period):
    """Start day of every period from the one of first_day to the one of last_day."""
    if period == "month":
        return pd.period_range(first_day, last_day, freq="M").to_timestamp()
    first = first_day - pd.Timedelta(days=first_day.dayofweek)
    return pd.date_range(first, last_day, freq="7D")


def period_end(start, period):
    if period == "month":
        return start + pd.offsets.MonthEnd(0)
    return start + pd.Timedelta(days=6)


def label(start, period):
    return start.strftime("%Y-%m") if period == "month" else start.strftime("%Y-%m-%d")


def lifecycle_table(frame, period):
    first_day, last_day = frame["day"].min(), frame["day"].max()
    starts = period_starts(first_day, last_day, period)
    if period == "month":
        start_of_row = frame["day"].dt.to_period("M").dt.to_timestamp()
    else:
        start_of_row = monday_of(frame["day"])
    active = pd.crosstab(frame["user"], start_of_row).reindex(columns=starts, fill_value=0) > 0
    assert active.to_numpy().any(axis=1).all()
    prev = active.shift(1, axis=1, fill_value=False).astype(bool)
    before = active.cummax(axis=1).shift(1, axis=1, fill_value=False).astype(bool)
    new = (active & ~before).sum()
    returning = (active & prev).sum()
    resurrecting = (active & ~prev & before).sum()
    dormant = (~active & prev).sum()
    rows = []
    for start in starts:
        end = period_end(start, period)
        in_data = (min(end, last_day) - max(start, first_day)).days + 1
        n_active = int(new[start] + returning[start] + resurrecting[start])
        assert n_active == int(active[start].sum())
        gained = int(new[start] + resurrecting[start])
        rows.append({
            "period": label(start, period),
            "days_in_data": in_data,
            "days": (end - start).days + 1,
            "active": n_active,
            "new": int(new[start]),
            "returning": int(returning[start]),
            "resurrecting": int(resurrecting[start]),
            "dormant": int(dormant[start]),
            "quick_ratio": repr(gained / int(dormant[start])) if dormant[start] else "",
        })
    # Growth accounting: last period's active users either returned or went dormant.
    for before_row, row in zip(rows, rows[1:]):
        assert before_row["active"] == row["returning"] + row["dormant"], row
    return pd.DataFrame(rows, columns=COLUMNS)


def stickiness(frame, from_day, to_day):
    weeks = frame.assign(week=monday_of(frame["day"]))
    lo = from_day - pd.Timedelta(days=from_day.dayofweek)
    weeks = weeks[(weeks["week"] >= lo) & (weeks["week"] <= to_day)]
    per_user_week = weeks.groupby(["user", "week"])["day"].nunique()
    counts = per_user_week.value_counts()
    assert set(counts.index) <= set(range(1, 8))
    out = {f"days_{d}": int(counts.get(d, 0)) for d in range(1, 8)}
    out["user_weeks"] = int(len(per_user_week))
    return out


def range_row(name, frame, table, period, from_text, to_text):
    first_day, last_day = frame["day"].min(), frame["day"].max()
    from_day = max(pd.Timestamp(from_text), first_day) if from_text else first_day
    to_day = min(pd.Timestamp(to_text), last_day) if to_text else last_day
    shown = []
    for start, lab in zip(period_starts(first_day, last_day, period), table["period"]):
        if start <= to_day and period_end(start, period) >= from_day:
            shown.append(lab)
    row = {"dataset": name, "period": period, "from": from_text, "to": to_text,
           "first_period": shown[0], "last_period": shown[-1], "periods": len(shown)}
    row.update(stickiness(frame, from_day, to_day))
    return row


DATASETS = [
    ("online_retail", lambda: clean_online_retail(path), [("", ""), ("2011-03-15", "2011-08-20")]),
    ("usage_small", load_usage_small, [("", ""), ("2025-02-26", "2025-07-02")]),
]
ranges = []
for name, load, windows in DATASETS:
    frame = load()
    for period in ("month", "week"):
        table = lifecycle_table(frame, period)
        write_csv(f"lifecycle_{name}_{period}.csv",
                  f"Golden values: lifecycle per {period} of {name} (all periods of the data).",
                  table)
        for from_text, to_text in windows:
            ranges.append(range_row(name, frame, table, period, from_text, to_text))
write_csv("lifecycle_ranges.csv",
          "Golden values: periods shown and weekly stickiness for the whole data and for a from/to "
          "range.", pd.DataFrame(ranges))
print("ok", file=sys.stderr)
