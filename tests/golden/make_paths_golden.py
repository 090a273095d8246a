#!/usr/bin/python3
"""Golden paths (issue 20.2), computed with pandas and plain Python, independently of GrowthLens.

Run from the repo root (Debian's python3-pandas; pandas 1.5.3, python 3.11.2):

    /usr/bin/python3 tests/golden/make_paths_golden.py

Inputs: the BPI Challenge 2012 log (tests/data/bpic2012_events.csv.xz; user = case:concept:name,
event = concept:name, time = time:timestamp, only lifecycle:transition = COMPLETE) and a small
generated log (tests/golden/events_generated_small.csv, `growthlens generate --kind events
--users 150 --seed 11`). Writes tests/golden/paths_bpic2012.json and
tests/golden/paths_generated.json: per configuration its parameters and the expected `paths`
JSON (users, users with a path, every shown path with users and share, other, Sankey nodes and
links). tests/paths_golden_test.cc compares: counts exactly, shares to 1e-12.

DEFINITIONS (docs/ANALYTICS.md, "Paths"):
  * one path per user, anchored at the user's FIRST start event (forward), FIRST end event
    (backward), or first non-excluded event (no start/end);
  * excluded events are removed first; then, walking away from the anchor, a step more than
    max_gap minutes from the previous kept event ends the path; with collapse_repeats a step
    equal to the last one taken is skipped; the path holds the anchor and up to `steps` steps;
  * paths are ordered by users (most first), ties by their event names (tuple order);
    shown = share >= min_share, at most `top`; the rest is "other";
  * Sankey: nodes (step, event) with steps 0..N from the start, or -N..0 to the end (end event
    at 0); a node with share < min_share is "(other)" at its step; links between consecutive
    steps of each path, summed after that folding.
"""

import json
from collections import Counter

import event_log

CONFIGS = {
    "bpic2012": [
        {"name": "start_submitted", "start": "A_SUBMITTED", "steps": 4, "min-share": 0.01,
         "top": 20},
        {"name": "end_declined_collapsed", "end": "A_DECLINED", "steps": 3,
         "collapse-repeats": True, "min-share": 0.02, "top": 10},
        {"name": "first_event_gap_exclude", "steps": 5, "collapse-repeats": True,
         "exclude": ["W_Completeren aanvraag"], "max-gap": 60, "min-share": 0.0, "top": 1000},
        {"name": "start_accepted_all", "start": "A_ACCEPTED", "steps": 10, "min-share": 0.0,
         "top": 1000},
    ],
    "generated": [
        {"name": "start_first_event", "steps": 4, "min-share": 0.0, "top": 1000},
        {"name": "start_signup_collapsed", "start": "sign_up", "steps": 6,
         "collapse-repeats": True, "min-share": 0.03, "top": 15},
        {"name": "end_export_gap", "end": "export", "steps": 3, "max-gap": 30,
         "exclude": ["notifications"], "min-share": 0.0, "top": 1000},
    ],
}


def user_path(events, times, config):
    """The path of one user's (event, ms) lists in time order, or None."""
    excluded = set(config.get("exclude", []))
    start, end = config.get("start"), config.get("end")
    if start is not None:
        anchor = events.index(start) if start in events else None
    elif end is not None:
        anchor = events.index(end) if end in events else None
    else:
        anchor = next((i for i, e in enumerate(events) if e not in excluded), None)
    if anchor is None:
        return None
    forward = end is None
    gap_ms = config.get("max-gap", 0) * 60_000
    order = range(anchor + 1, len(events)) if forward else range(anchor - 1, -1, -1)
    path = [events[anchor]]
    previous = times[anchor]
    for i in order:
        if events[i] in excluded:
            continue
        if gap_ms and abs(times[i] - previous) > gap_ms:
            break
        previous = times[i]
        if config.get("collapse-repeats") and events[i] == path[-1]:
            continue
        path.append(events[i])
        if len(path) == config["steps"] + 1:
            break
    return tuple(path if forward else reversed(path))


def expected(frame, config):
    paths = Counter()
    for _, group in frame.groupby("user", sort=False):
        path = user_path(list(group["event"]), list(group["ms"]), config)
        if path is not None:
            paths[path] += 1
    anchored = sum(paths.values())
    ranked = sorted(paths.items(), key=lambda item: (-item[1], item[0]))
    min_share, top = config["min-share"], config["top"]
    shown, other = [], {"paths": 0, "users": 0}
    for path, users in ranked:
        if users >= min_share * anchored and len(shown) < top:
            shown.append({"events": list(path), "users": users, "share": users / anchored})
        else:
            other["paths"] += 1
            other["users"] += users
    other["share"] = other["users"] / anchored if anchored else 0.0
    # Sankey
    nodes, links = Counter(), Counter()
    for path, users in paths.items():
        first = 0 if config.get("end") is None else 1 - len(path)
        for i, event in enumerate(path):
            nodes[(first + i, event)] += users
    name = {node: (node[1] if users >= min_share * anchored else "(other)")
            for node, users in nodes.items()}
    folded = Counter()
    for node, users in nodes.items():
        folded[(node[0], name[node])] += users
    for path, users in paths.items():
        first = 0 if config.get("end") is None else 1 - len(path)
        for i in range(len(path) - 1):
            source, target = (first + i, path[i]), (first + i + 1, path[i + 1])
            links[(source[0], name[source], name[target])] += users
    return {
        "users": int(frame["user"].nunique()),
        "users_with_path": anchored,
        "distinct_paths": len(paths),
        "paths": shown,
        "other": other,
        "sankey_nodes": [{"step": s, "event": e, "users": u} for (s, e), u in sorted(folded.items())],
        "sankey_links": [{"step": s, "source": a, "target": b, "users": u}
                         for (s, a, b), u in sorted(links.items())],
    }


def main():
    for data, spec in (("bpic2012", event_log.BPIC), ("generated", event_log.GENERATED)):
        frame = event_log.load(spec)
        out = {"source": spec["source"], "made_by": "tests/golden/make_paths_golden.py (pandas)",
               "configs": []}
        for config in CONFIGS[data]:
            out["configs"].append({"params": config, "expected": expected(frame, config)})
        with open(f"tests/golden/paths_{data}.json", "w") as file:
            json.dump(out, file, ensure_ascii=False, separators=(",", ":"))
            file.write("\n")


if __name__ == "__main__":
    main()
