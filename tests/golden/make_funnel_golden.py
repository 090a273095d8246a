#!/usr/bin/python3
"""Golden funnels (issue 20.1 and 20.4), computed with pandas and plain Python.

Independent reference (not GrowthLens) for tests/funnel_golden_test.cc. Run from the repo root
(Debian's python3-pandas; pandas 1.5.3, python 3.11.2):

    /usr/bin/python3 tests/golden/make_funnel_golden.py

Inputs:
  tests/data/bpic2012_events.csv.xz   the BPI Challenge 2012 loan applications (tests/data/SOURCES.md),
                                      read as `growthlens funnel` reads it with
                                      --user-col 'case:concept:name' --event-col 'concept:name'
                                      --time-col 'time:timestamp' --where 'lifecycle:transition=COMPLETE'
  tests/golden/funnel_events_small.csv.xz  a generated event log (`growthlens generate --kind events
                                      --users 300 --seed 7
                                      --start 2025-01-01 --end 2025-03-31`): user_id,timestamp,event,platform

Writes tests/golden/funnel_bpic2012.json and tests/golden/funnel_generated.json: per funnel its
steps, window, mode and exclusions, and per step the users, conversion from the previous and the
first step, the drop-off and the median time from the previous step; the overall median.

DEFINITIONS (docs/ANALYTICS.md, "Funnels"; the C++ engine must match them):
  * Rows: duplicates (same user, time to the ms, event) dropped, the first kept (the ingest rule);
    times in UTC milliseconds. A user's events are ordered by time, ties in file order.
  * default / strict_increase levels: for every first-step event as a start, the greedy chain:
    each next step is the first matching event after the previous one in that order, at most
    `window` after the start (strict_increase: at a strictly later time than the previous
    step), and before the first excluded event after the start; the user's level is the
    longest. This declarative form is checked user by user against a transcription of
    ClickHouse's windowFunnel pass (the same level, or the script stops).
  * The reported chain (times): the one windowFunnel's pass keeps. The pass goes through the
    events in order keeping, per level, one chain: a first step starts a new level-1 chain; an
    event of step k extends the level-(k-1) chain held at that moment (if within the window of
    its start) into the level-k chain, replacing the one held. So a repeated step counts at
    its latest occurrence before the next step, in the chain with the latest start. The user's
    chain is the first one to reach their level.
  * strict_order: windowFunnel's pass, where after the first first-step event any event that
    is not a listed step, or a listed step whose previous step was not reached, ends the search.
  * any_order: for every step event as a start, the leading steps 0..k-1 that all occur at or
    after it (in the order) within `window` of it; the level is the longest such prefix; the
    reported window is the one whose steps are all done first (then the latest start), and step
    k's time is when steps 0..k had all been done (the latest of their first times).
  * Times to convert: step k minus step k-1 of the reported chain, over users reaching step k;
    overall: last minus first step over users completing the funnel. Quantiles: pandas'
    quantile (linear interpolation). Exact integers in ms, so the tolerance is 1e-9 s.
"""

import json
import sys

import pandas as pd

DAY_MS = 86_400_000


def load_bpic(path="tests/data/bpic2012_events.csv.xz"):
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = frame[frame["lifecycle:transition"] == "COMPLETE"]
    events = pd.DataFrame({
        "user": frame["case:concept:name"].values,
        "time": pd.to_datetime(frame["time:timestamp"], utc=True).values,
        "event": frame["concept:name"].values,
        "resource": frame["org:resource"].values,
    })
    return prepare(events)


def load_generated(path="tests/golden/funnel_events_small.csv.xz"):
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    events = pd.DataFrame({
        "user": frame["user_id"].values,
        "time": pd.to_datetime(frame["timestamp"], utc=True).values,
        "event": frame["event"].values,
        "resource": frame["platform"].values,
    })
    return prepare(events)


def prepare(events):
    events = events.drop_duplicates(subset=["user", "time", "event"], keep="first")
    epoch = pd.Timestamp("1970-01-01", tz="UTC")
    events = events.assign(ms=(pd.to_datetime(events["time"], utc=True) - epoch)
                           // pd.Timedelta(milliseconds=1))
    events = events.reset_index(drop=True)
    events["order"] = range(len(events))
    return events.sort_values(["user", "ms", "order"], kind="stable")


def matcher(condition):
    """EVENT or EVENT[resource=VALUE] as a function of (event, resource)."""
    if "[" in condition:
        name, rest = condition.split("[", 1)
        value = rest.rstrip("]").split("=", 1)[1]
        return lambda event, resource: event == name and resource == value
    return lambda event, resource: event == condition


def kinds(rows, steps, exclusions):
    """Per event: the steps it meets (highest first), whether it is excluded."""
    step_match = [matcher(s) for s in steps]
    excl_match = [matcher(s) for s in exclusions]
    out = []
    for event, resource, ms in rows:
        met = [k for k in range(len(steps) - 1, -1, -1) if step_match[k](event, resource)]
        excluded = any(m(event, resource) for m in excl_match)
        out.append((ms, met, excluded))
    return out


def greedy(events, steps, window, strict_increase):
    """(level, chain times) by the declarative per-start definition."""
    n_steps = len(steps)
    best = (0, None, None, [])  # level, completion position, start position, times
    for start, (t0, met, _) in enumerate(events):
        if 0 not in met:
            continue
        times, last_pos = [t0], start
        level, pos = 1, start + 1
        while level < n_steps and pos < len(events) and not events[start][2]:
            t, met_here, excluded = events[pos]
            if level in met_here and t <= t0 + window and (not strict_increase or t > times[-1]):
                times.append(t)
                last_pos = pos
                level += 1
            if excluded:
                break
            pos += 1
        key = (level, -last_pos, start)
        if best[3] == [] or key > (best[0], -best[1], best[2]):
            best = (level, last_pos, start, times)
    return best[0], best[3]


def stream(events, n_steps, window, mode):
    """windowFunnel's pass: per level the latest-start chain, the first chain at the top level."""
    has = [None] * n_steps
    level, reported, first_event = 0, [], False
    for t, met, excluded in events:
        if not met and not excluded:
            if mode == "strict_order" and first_event:
                break
            continue
        stop = False
        for k in met:
            if k == 0:
                has[0] = [t]
                first_event = True
            elif mode == "strict_order" and first_event and has[k - 1] is None:
                stop = True
                break
            elif has[k - 1] is not None:
                chain = has[k - 1]
                ok = t <= chain[0] + window
                if mode == "strict_increase":
                    ok = ok and chain[-1] < t
                if not ok:
                    continue
                has[k] = chain + [t]
            else:
                continue
            if k + 1 > level:
                level, reported = k + 1, list(has[k])
        if stop or level == n_steps:
            break
        if excluded:
            has = [None] * n_steps
    return level, reported


def any_order(events, n_steps, window):
    best = (0, None, None, [])
    for start, (t0, met, _) in enumerate(events):
        if not met:
            continue
        first = {}
        for t, met_here, _ in events[start:]:
            if t > t0 + window:
                break
            for k in met_here:
                first.setdefault(k, t)
        level = 0
        while level < n_steps and level in first:
            level += 1
        if level == 0:
            continue
        times = [max(first[j] for j in range(k + 1)) for k in range(level)]
        key = (level, -times[-1], start)
        if best[3] == [] or key > (best[0], -best[1], best[2]):
            best = (level, times[-1], start, times)
    return best[0], best[3]


def funnel(frame, name, steps, window_days, mode="default", exclude=()):
    window = int(round(window_days * DAY_MS))
    levels, chains = [], []
    for _, user_rows in frame.groupby("user", sort=False):
        events = kinds(zip(user_rows["event"], user_rows["resource"], user_rows["ms"]), steps,
                       exclude)
        if mode == "any_order":
            level, times = any_order(events, len(steps), window)
        elif mode == "strict_order":
            level, times = stream(events, len(steps), window, mode)
        else:
            level, times = stream(events, len(steps), window, mode)
            declared, _ = greedy(events, steps, window, mode == "strict_increase")
            if level != declared:
                sys.exit(f"{name}: the per-start definition and windowFunnel's pass differ for "
                         f"user {user_rows['user'].iloc[0]}: level {declared} vs {level}")
        levels.append(level)
        chains.append(times)
    result = {"name": name, "steps": list(steps), "window_days": window_days, "mode": mode,
              "exclude": list(exclude), "steps_out": []}
    reached = [sum(1 for lv in levels if lv > k) for k in range(len(steps))]
    for k in range(len(steps)):
        gaps = pd.Series([c[k] - c[k - 1] for lv, c in zip(levels, chains) if lv > k and k > 0],
                         dtype="float64") / 1000.0
        previous = reached[k - 1] if k > 0 else reached[0]
        result["steps_out"].append({
            "users": reached[k],
            "conversion_from_previous": reached[k] / previous if previous else 0.0,
            "conversion_from_first": reached[k] / reached[0] if reached[0] else 0.0,
            "dropped": previous - reached[k],
            "median_seconds": None if gaps.empty else float(gaps.quantile(0.5)),
            "p90_seconds": None if gaps.empty else float(gaps.quantile(0.9)),
        })
    overall = pd.Series([c[-1] - c[0] for lv, c in zip(levels, chains) if lv == len(steps)],
                        dtype="float64") / 1000.0
    result["overall_median_seconds"] = None if overall.empty else float(overall.quantile(0.5))
    result["overall_p25_seconds"] = None if overall.empty else float(overall.quantile(0.25))
    result["overall_users"] = int(len(overall))
    return result


APPLICATION = ["A_SUBMITTED", "A_PARTLYSUBMITTED", "A_PREACCEPTED", "A_ACCEPTED", "A_FINALIZED",
               "A_APPROVED"]


def main():
    bpic = load_bpic()
    cases = [
        funnel(bpic, "application_14d", APPLICATION, 14),
        funnel(bpic, "application_1d", APPLICATION, 1),
        funnel(bpic, "application_30d", APPLICATION, 30),
        funnel(bpic, "application_strict_increase_14d", APPLICATION, 14, "strict_increase"),
        funnel(bpic, "application_strict_order_30d", APPLICATION, 30, "strict_order"),
        funnel(bpic, "application_any_order_14d", APPLICATION, 14, "any_order"),
        funnel(bpic, "application_exclude_14d", APPLICATION, 14,
               exclude=["W_Nabellen incomplete dossiers"]),
        funnel(bpic, "offer_by_resource_30d",
               ["A_SUBMITTED", "O_SENT", "O_SENT_BACK[org:resource=10138]", "O_ACCEPTED"], 30),
    ]
    header = ("Made by tests/golden/make_funnel_golden.py (pandas) from "
              "tests/data/bpic2012_events.csv.xz, COMPLETE events only. Counts exact; "
              "conversions and times (seconds, from integer ms) to 1e-9.")
    with open("tests/golden/funnel_bpic2012.json", "w") as out:
        json.dump({"note": header, "funnels": cases}, out, indent=1)
        out.write("\n")

    generated = load_generated()
    onboarding = ["sign_up", "create_project", "invite_teammate", "first_report"]
    gen_cases = [
        funnel(generated, "onboarding_7d", onboarding, 7),
        funnel(generated, "onboarding_1h", onboarding, 1 / 24),
        funnel(generated, "onboarding_strict_increase_7d", onboarding, 7, "strict_increase"),
        funnel(generated, "onboarding_any_order_7d", onboarding, 7, "any_order"),
    ]
    with open("tests/golden/funnel_generated.json", "w") as out:
        json.dump({"note": header.replace("tests/data/bpic2012_events.csv.xz",
                                          "tests/golden/funnel_events_small.csv.xz"),
                   "funnels": gen_cases}, out, indent=1)
        out.write("\n")


if __name__ == "__main__":
    main()
