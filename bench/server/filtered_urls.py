#!/usr/bin/env python3
"""Writes N usage-page requests, each with its own filter combination (issue 23.2): a date
range inside 2025, a subset of the features, a subset of the RFM segments, and the view (feature
totals, weekly/daily/monthly series, engagement, correlation), so that no two requests of a load
run share an answer. One path per line, as dashboard_mix.lua reads them.

    bench/server/filtered_urls.py --count 20000 --seed 1 [--view series] > urls_filtered.txt
"""
import argparse
import datetime
import random
import urllib.parse

FEATURES = ["API", "Collaboration", "Dashboard", "Export", "Integrations", "Notifications",
            "Reports", "Search", "Settings", "Sharing"]
SEGMENTS = ["Champions", "Loyal", "Potential Loyalist", "New", "Promising", "Need Attention",
            "About to Sleep", "At Risk", "Can't Lose Them", "Hibernating", "Lost"]
VIEWS = ["features", "series", "engagement", "correlation"]


def one(rng, view):
    params = []
    if view != "features":
        params.append(("view", view))
    if view == "series":
        params.append(("period", rng.choice(["day", "week", "month"])))
    start = datetime.date(2025, 1, 1) + datetime.timedelta(days=rng.randrange(0, 330))
    end = start + datetime.timedelta(days=rng.randrange(7, 365))
    kind = rng.random()
    if kind < 0.8:
        params.append(("from", start.isoformat()))
    if kind < 0.6 or kind >= 0.8:
        params.append(("to", min(end, datetime.date(2025, 12, 31)).isoformat()))
    if rng.random() < 0.6:
        params.append(("features", ",".join(rng.sample(FEATURES, rng.randrange(1, 6)))))
    if rng.random() < 0.5:
        params.append(("segment", ",".join(rng.sample(SEGMENTS, rng.randrange(1, 5)))))
    return "/api/v1/usage?" + urllib.parse.urlencode(params, quote_via=urllib.parse.quote)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--view", choices=VIEWS, help="only this view (default: all four)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    seen = set()
    while len(seen) < args.count:
        url = one(rng, args.view or rng.choice(VIEWS))
        if url not in seen:
            seen.add(url)
            print(url)


if __name__ == "__main__":
    main()
