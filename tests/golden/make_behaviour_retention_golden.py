#!/usr/bin/python3
"""Golden retention by behaviour (issue 20.3), computed with pandas, independently of GrowthLens.

Run from the repo root (Debian's python3-pandas; pandas 1.5.3, python 3.11.2):

    /usr/bin/python3 tests/golden/make_behaviour_retention_golden.py

Inputs: as make_paths_golden.py (BPI Challenge 2012, COMPLETE events only; the small generated
log). Writes tests/golden/behaviour_retention_bpic2012.json and
behaviour_retention_generated.json: per configuration (start event, return event, period, mode)
the cohorts (label, size, left_censored, counts per period) and the average row.
tests/behaviour_retention_golden_test.cc runs `cohorts --start-event A --return-event B` and
compares: counts exactly, shares and averages to 1e-12.

DEFINITIONS (docs/ANALYTICS.md, "Retention by behaviour"; the cohort page's rules):
  * the data spans its rows' first to last UTC day (all events);
  * a user's cohort is the period (day; ISO week labelled by its Monday; month "YYYY-MM") of
    their first start event; a cohort has periods 0 .. (last period of the data - cohort);
  * on: users of the cohort with a return event in period cohort + n (any time in it, before or
    after the start event in period 0); on-or-after: in period n or any later one;
  * a cohort whose period begins before the data's first day is left-censored;
  * a period is partial when it is the data's first (last) period and the data starts after its
    first day (ends before its last day);
  * average[n] = sum of counts / sum of sizes over cohorts that are not left-censored, whose
    period n exists and is not partial; none (null) where no cohort counts.
"""

import json

import pandas as pd

import event_log

CONFIGS = {
    "bpic2012": [
        {"start-event": "A_SUBMITTED", "return-event": "A_ACCEPTED", "period": "week", "mode": "on"},
        {"start-event": "A_SUBMITTED", "return-event": "A_ACCEPTED", "period": "week",
         "mode": "on-or-after"},
        {"start-event": "A_PREACCEPTED", "return-event": "O_SENT", "period": "day", "mode": "on"},
        {"start-event": "A_ACCEPTED", "return-event": "A_ACTIVATED", "period": "month",
         "mode": "on-or-after"},
    ],
    "generated": [
        {"start-event": "sign_up", "return-event": "reports", "period": "week", "mode": "on"},
        {"start-event": "sign_up", "return-event": "export", "period": "month",
         "mode": "on-or-after"},
        {"start-event": "dashboard", "return-event": "dashboard", "period": "day", "mode": "on"},
    ],
}


def buckets(days, period):
    """Bucket numbers, first days and labels of a Series of UTC day numbers (same index)."""
    days = days.astype("int64")
    dates = pd.to_datetime(days, unit="D")
    if period == "day":
        return days, days, dates.dt.strftime("%Y-%m-%d")
    if period == "week":
        monday = days - dates.dt.dayofweek
        return monday // 7, monday, pd.to_datetime(monday, unit="D").dt.strftime("%Y-%m-%d")
    month = dates.dt.year * 12 + dates.dt.month - 1
    first = (dates.dt.to_period("M").dt.start_time - pd.Timestamp("1970-01-01")).dt.days
    return month, first, dates.dt.strftime("%Y-%m")


def bucket_of(day, period):
    bucket, first, label = buckets(pd.Series([day]), period)
    return int(bucket.iloc[0]), int(first.iloc[0]), str(label.iloc[0])


def last_day_of_bucket(bucket, period, first_day_of):
    if period == "day":
        return first_day_of
    if period == "week":
        return first_day_of + 6
    year, month = divmod(bucket + 1, 12)
    return int((pd.Timestamp(year=year, month=month + 1, day=1) - pd.Timestamp("1970-01-01")).days) - 1


def expected(frame, config):
    period, mode = config["period"], config["mode"]
    first_day, last_day = int(frame["day"].min()), int(frame["day"].max())
    first_bucket, first_bucket_day, _ = bucket_of(first_day, period)
    last_bucket, last_bucket_day, _ = bucket_of(last_day, period)
    first_partial = first_bucket_day < first_day
    last_partial = last_day_of_bucket(last_bucket, period, last_bucket_day) > last_day
    starts = frame[frame["event"] == config["start-event"]]
    cohort_day = starts.groupby("user")["day"].min()
    cohort = pd.DataFrame({"day": cohort_day})
    bucket, first, label = buckets(cohort["day"], period)
    cohort = cohort.assign(bucket=bucket, first=first, label=label)
    returns = frame[frame["event"] == config["return-event"]][["user", "day"]]
    returns = returns[returns["user"].isin(cohort.index)]
    returns = returns.assign(bucket=buckets(returns["day"], period)[0])
    returns = returns.join(cohort[["bucket"]].rename(columns={"bucket": "cohort"}), on="user")
    returns["n"] = returns["bucket"] - returns["cohort"]
    returns = returns[returns["n"] >= 0].drop_duplicates(["user", "n"])
    last_n = returns.groupby("user")["n"].max()
    cohorts = []
    sums = {}
    for bucket, members in cohort.groupby("bucket"):
        length = last_bucket - int(bucket) + 1
        size = len(members)
        mine = returns[returns["user"].isin(members.index)]
        on = mine.groupby("n")["user"].nunique()
        mine_last = last_n[last_n.index.isin(members.index)]
        counts = []
        for n in range(length):
            if mode == "on":
                counts.append(int(on.get(n, 0)))
            else:
                counts.append(int((mine_last >= n).sum()))
        censored = bool(int(members["first"].iloc[0]) < first_day)
        for n in range(length):
            b_n = int(bucket) + n
            partial = (first_partial and b_n == first_bucket) or (last_partial and b_n == last_bucket)
            if censored or partial:
                continue
            active, total = sums.get(n, (0, 0))
            sums[n] = (active + counts[n], total + size)
        cohorts.append({"cohort": str(members["label"].iloc[0]), "size": size,
                        "left_censored": censored, "counts": counts,
                        "shares": [c / size for c in counts]})
    periods = last_bucket - int(cohort["bucket"].min()) + 1 if len(cohort) else 0
    average = [sums[n][0] / sums[n][1] if n in sums and sums[n][1] else None
               for n in range(periods)]
    return {"users": int(len(cohort)), "cohorts": cohorts, "average": average}


def main():
    for data, spec in (("bpic2012", event_log.BPIC), ("generated", event_log.GENERATED)):
        frame = event_log.load(spec)
        out = {"source": spec["source"],
               "made_by": "tests/golden/make_behaviour_retention_golden.py (pandas)",
               "configs": [{"params": config, "expected": expected(frame, config)}
                           for config in CONFIGS[data]]}
        with open(f"tests/golden/behaviour_retention_{data}.json", "w") as file:
            json.dump(out, file, ensure_ascii=False, separators=(",", ":"))
            file.write("\n")


if __name__ == "__main__":
    main()
