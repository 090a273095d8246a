#!/usr/bin/python3
"""Paths and retention by behaviour with pandas, timed, on a generated event log: what an analyst
would otherwise run in a notebook. bench/compare/paths_vs_pandas.sh runs it beside GrowthLens on
the same file.

    /usr/bin/python3 bench/compare/pandas_paths.py EVENTS.csv

Computes, after loading (timed apart): the paths of 5 steps after each user's first sign_up
(vectorised: rank of each event after the anchor, then a pivot of the first 5), and weekly
retention of sign_up cohorts by reports. Prints seconds, events per second and peak memory.
"""

import resource
import sys
import time

import pandas as pd

path = sys.argv[1]
start = time.perf_counter()
frame = pd.read_csv(path, usecols=["user_id", "timestamp", "event"])
frame["time"] = pd.to_datetime(frame["timestamp"], utc=True)
load_s = time.perf_counter() - start
events = len(frame)

start = time.perf_counter()
frame = frame.sort_values(["user_id", "time"], kind="stable")
anchor = frame[frame["event"] == "sign_up"].groupby("user_id")["time"].min().rename("anchor")
after = frame.join(anchor, on="user_id")
after = after[after["time"] >= after["anchor"]]
after["step"] = after.groupby("user_id").cumcount()
after = after[after["step"] <= 5]
paths = after.pivot(index="user_id", columns="step", values="event").fillna("")
counts = paths.groupby(list(paths.columns)).size().sort_values(ascending=False)
paths_s = time.perf_counter() - start

start = time.perf_counter()
frame["week"] = (frame["time"].dt.tz_localize(None).dt.to_period("W-SUN")).dt.start_time
cohort = frame[frame["event"] == "sign_up"].groupby("user_id")["week"].min().rename("cohort")
returns = frame[frame["event"] == "reports"][["user_id", "week"]].join(cohort, on="user_id")
returns = returns.dropna()
returns["n"] = (returns["week"] - returns["cohort"]).dt.days // 7
returns = returns[returns["n"] >= 0].drop_duplicates(["user_id", "n"])
matrix = returns.groupby(["cohort", "n"]).size().unstack(fill_value=0)
retention_s = time.perf_counter() - start

peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(f"pandas {pd.__version__}: {events:,} events; load {load_s:.2f} s")
print(f"  paths: {paths_s:.2f} s ({events / paths_s / 1e6:.2f} M events/s), {len(counts)} paths")
print(f"  behavioural retention (week): {retention_s:.2f} s "
      f"({events / retention_s / 1e6:.2f} M events/s), {matrix.shape[0]} cohorts")
print(f"  peak RSS {peak_mb:.0f} MB")
