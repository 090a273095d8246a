#!/usr/bin/python3
"""Checks that GrowthLens, pandas + scikit-learn and DuckDB agree, and tabulates their timings.

    /usr/bin/python3 bench/compare/compare.py --work DIR --usage USAGE.csv --retail RETAIL.csv \
        [--users N --seed S] [--layout time|user|shuffled] [--docs docs/BENCHMARKS.md]
    /usr/bin/python3 bench/compare/compare.py --layouts-table --work DIR \
        --layouts time,user,shuffled [--docs docs/BENCHMARKS.md]

Reads what bench/compare/run.sh left in DIR: each tool's tables, its stage timings
(timings.json for the scripts; the progress lines of `growthlens analyze` for GrowthLens) and
the /usr/bin/time -v report of each process. Prints the agreement checks and a Markdown table,
and leaves the table and a summary (summary.json) in DIR; with --docs, replaces the table
between the compare:begin / compare:end markers of that file. Exits 1 when the tools disagree
(and then writes nothing). --layouts-table reads the summaries of DIR/LAYOUT for each layout
(one run each, made by run.sh) and tabulates the layouts side by side, followed by each
layout's own table.
"""
import argparse
import csv
import datetime
import json
import os
import platform
import re
import subprocess
import sys

GROWTHLENS = "GrowthLens"
PANDAS = "pandas + scikit-learn"
DUCKDB = "DuckDB"
INERTIA_TOLERANCE = 0.01     # relative: best of 10 k-means++ runs, different random draws
SILHOUETTE_TOLERANCE = 0.02  # absolute: different 10,000-row samples
MONEY_TOLERANCE = 1e-9       # relative: sums of doubles in different orders


class Checks:
    def __init__(self):
        self.failures = []

    def expect(self, ok, what):
        print(f"  {'ok      ' if ok else 'MISMATCH'} {what}")
        if not ok:
            self.failures.append(what)


def read_time_report(path):
    """Wall seconds, peak RSS (bytes) and CPU seconds from a /usr/bin/time -v report."""
    text = open(path).read()
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", text).group(1)
    seconds = 0.0
    for part in wall.split(":"):
        seconds = seconds * 60 + float(part)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", text).group(1)) * 1024
    cpu = sum(float(re.search(rf"{kind} time \(seconds\): ([\d.]+)", text).group(1))
              for kind in ("User", "System"))
    return {"wall": seconds, "rss": rss, "cpu": cpu}


def read_csv_rows(path, key):
    with open(path, newline="") as f:
        return {row[key]: row for row in csv.DictReader(f)}


def growthlens_run(work, stem):
    """Stage seconds of one `growthlens analyze` process, from its progress lines."""
    log = open(os.path.join(work, f"growthlens_{stem}.log")).read()
    read = re.search(r"rows read in ([\d.]+) s, [\d,]+ kept after cleaning in ([\d.]+) s", log)
    analysed = re.search(r"analysed [\d,]+ rows in (\d+) ms", log)
    model = re.search(r"\d+ personas \([^)]*\) in ([\d.]+) s", log)
    if not (read and analysed and model):
        sys.exit(f"compare.py: growthlens_{stem}.log lacks the progress lines it should have")
    process = read_time_report(os.path.join(work, f"growthlens_{stem}.time"))
    stages = {"read": float(read.group(1)), "clean": float(read.group(2)),
              "analyse": int(analysed.group(1)) / 1e3, "model": float(model.group(1))}
    return stages, process


def collect(work, usage_stem):
    """Per tool: stage seconds (summed over both files), wall, peak RSS and CPU."""
    tools = {}
    if os.path.exists(os.path.join(work, f"growthlens_{usage_stem}.log")):
        stages = {"read": 0.0, "clean": 0.0, "analyse": 0.0, "model": 0.0}
        wall = cpu = rss = 0.0
        for stem in (usage_stem, "online_retail"):
            run_stages, process = growthlens_run(work, stem)
            for name, seconds in run_stages.items():
                stages[name] += seconds
            wall += process["wall"]
            cpu += process["cpu"]
            rss = max(rss, process["rss"])
        tools[GROWTHLENS] = {"stages": stages, "wall": wall, "cpu": cpu, "rss": rss}
    for tool, directory in ((PANDAS, "pandas"), (DUCKDB, "duckdb")):
        timings_path = os.path.join(work, directory, "timings.json")
        if not os.path.exists(timings_path):
            continue
        timings = json.load(open(timings_path))
        seconds = timings["stages"]
        stages = {"read": seconds["read"], "clean": seconds["clean"],
                  "analyse": seconds["rfm"] + seconds["features"]}
        if "model" in seconds:
            stages["model"] = seconds["model"]
        process = read_time_report(os.path.join(work, f"{directory}.time"))
        tools[tool] = {"stages": stages, "wall": process["wall"], "cpu": process["cpu"],
                       "rss": process["rss"], "timings": timings}
    return tools


def check_agreement(work, usage_stem, tools):
    checks = Checks()
    out = os.path.join(work, "growthlens")
    gl_report = json.load(open(os.path.join(out, f"{usage_stem}_analysis.json")))
    gl_retail_report = json.load(open(os.path.join(out, "online_retail_analysis.json")))
    gl_counts = {
        "usage_rows_in": gl_report["cleaning"]["records"],
        "usage_rows_kept": gl_report["cleaning"]["rows_kept"],
        "usage_users": gl_report["users"],
        "retail_rows_in": gl_retail_report["cleaning"]["records"],
        "retail_rows_kept": gl_retail_report["cleaning"]["rows_kept"],
        "retail_customers": gl_retail_report["users"],
    }
    gl_users = read_csv_rows(os.path.join(out, f"{usage_stem}_users.csv"), "id")
    gl_customers = read_csv_rows(os.path.join(out, "online_retail_users.csv"), "id")
    gl_features = read_csv_rows(os.path.join(out, f"{usage_stem}_features.csv"), "feature")
    with open(os.path.join(out, f"{usage_stem}_feature_series.csv"), newline="") as f:
        gl_daily = {(row["period"], row["feature"]): row for row in csv.DictReader(f)}

    for tool, directory in ((PANDAS, "pandas"), (DUCKDB, "duckdb")):
        if tool not in tools:
            continue
        print(f"{GROWTHLENS} vs {tool}:")
        counts = tools[tool]["timings"]["counts"]
        for name, value in gl_counts.items():
            checks.expect(counts[name] == value,
                          f"{name}: {value:,} ({GROWTHLENS}) vs {counts[name]:,} ({tool})")
        base = os.path.join(work, directory)
        for label, theirs_path, ours, key in (
                ("usage users", "usage_users.csv", gl_users, "user_id"),
                ("retail customers", "retail_customers.csv", gl_customers, "customer_id")):
            theirs = read_csv_rows(os.path.join(base, theirs_path), key)
            checks.expect(set(theirs) == set(ours),
                          f"{label}: the same {len(ours):,} ids ({len(theirs):,} in {tool})")
            differ = [uid for uid in ours if uid in theirs and not same_rfm(ours[uid], theirs[uid])]
            checks.expect(not differ, f"{label}: recency, frequency, monetary of every one equal"
                          + (f" ({len(differ)} differ, e.g. {differ[:3]})" if differ else ""))
            if tool == PANDAS:  # DuckDB's script computes no scores
                scored = [uid for uid in ours if uid in theirs and any(
                    ours[uid][s] != theirs[uid][s] for s in ("r", "f", "m"))]
                checks.expect(not scored, f"{label}: r, f, m scores of every one equal"
                              + (f" ({len(scored)} differ)" if scored else ""))
        features = read_csv_rows(os.path.join(base, "feature_totals.csv"), "feature")
        checks.expect(set(features) == set(gl_features) and all(
            int(features[name]["events"]) == int(gl_features[name]["events"]) and
            int(features[name]["users"]) == int(gl_features[name]["users"])
            for name in gl_features), f"feature totals: events and users of {len(gl_features)} "
                                      "features equal")
        with open(os.path.join(base, "feature_daily.csv"), newline="") as f:
            daily = {(row["day"][:10], row["feature"]): row for row in csv.DictReader(f)}
        # GrowthLens writes every (day, feature) cell of the period, quiet ones as 0; the peers
        # only the cells that have rows.
        zero = {"events": "0", "users": "0"}
        checks.expect(set(daily) <= set(gl_daily) and all(
            int(daily.get(cell, zero)["events"]) == int(gl_daily[cell]["events"]) and
            int(daily.get(cell, zero)["users"]) == int(gl_daily[cell]["users"])
            for cell in gl_daily),
            f"daily series: events and users of {len(gl_daily):,} (day, feature) cells equal "
            f"({len(gl_daily) - len(daily)} quiet cells are 0 in {GROWTHLENS}, absent in {tool})")

    if PANDAS in tools:
        print(f"KMeans, {GROWTHLENS} vs {PANDAS}:")
        sklearn = tools[PANDAS]["timings"]["kmeans"]
        for label, model_file, theirs in (("usage users", f"{usage_stem}_model.json",
                                           sklearn["usage"]),
                                          ("retail customers", "online_retail_model.json",
                                           sklearn["retail"])):
            training = json.load(open(os.path.join(out, model_file)))["training"]
            inertia, silhouette = training["inertia"], training["silhouette"]
            gap = abs(inertia - theirs["inertia"]) / theirs["inertia"]
            checks.expect(training["k"] == 4, f"{label}: GrowthLens fitted k = {training['k']} (4 asked)")
            checks.expect(gap <= INERTIA_TOLERANCE,
                          f"{label}: inertia {inertia:,.1f} vs {theirs['inertia']:,.1f} "
                          f"({gap:.3%} apart, tolerance {INERTIA_TOLERANCE:.0%})")
            checks.expect(abs(silhouette - theirs["silhouette"]) <= SILHOUETTE_TOLERANCE,
                          f"{label}: silhouette {silhouette:.4f} vs {theirs['silhouette']:.4f} "
                          f"(tolerance {SILHOUETTE_TOLERANCE})")
    return checks


def same_rfm(ours, theirs):
    if int(ours["recency"]) != int(theirs["recency"]):
        return False
    if int(ours["frequency"]) != int(theirs["frequency"]):
        return False
    a, b = float(ours["monetary"]), float(theirs["monetary"])
    return abs(a - b) <= MONEY_TOLERANCE * max(1.0, abs(b))


def machine_description():
    cpu = platform.processor() or "unknown CPU"
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        cpu = re.search(r"Model name:\s*(.+)", lscpu).group(1).strip()
    except (OSError, AttributeError):
        pass
    memory = "?"
    with open("/proc/meminfo") as f:
        kb = int(re.search(r"MemTotal:\s+(\d+)", f.read()).group(1))
        memory = f"{kb / 1024 / 1024:.0f} GB"
    debian = open("/etc/debian_version").read().strip() if os.path.exists(
        "/etc/debian_version") else "?"
    return (f"{os.cpu_count()} cores ({cpu}), {memory} RAM, Debian {debian}, "
            f"Linux {platform.release()}")


def seconds_cell(value):
    return "-" if value is None else f"{value:.2f}"


def build_table(tools, args):
    names = [name for name in (GROWTHLENS, PANDAS, DUCKDB) if name in tools]
    lines = ["| | " + " | ".join(names) + " |", "|---|" + "---:|" * len(names)]

    def row(label, cells):
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    rows = [("read", "read"), ("clean", "clean"),
            ("rfm + feature usage (GrowthLens: every analysis)", "analyse"),
            ("model: scaling, KMeans k = 4 x 10, silhouette", "model")]
    for label, stage in rows:
        row(label, [seconds_cell(tools[n]["stages"].get(stage)) for n in names])
    for name in names:
        tool = tools[name]
        tool["other"] = tool["wall"] - sum(tool["stages"].values())
        tool["aggregation"] = sum(tool["stages"][s] for s in ("read", "clean", "analyse"))
    row("start-up, writing, exit", [seconds_cell(tools[n]["other"]) for n in names])
    row("**total, wall clock (s)**", [f"**{tools[n]['wall']:.2f}**" for n in names])
    row("aggregation half: read, clean, rfm, features (s)",
        [seconds_cell(tools[n]["aggregation"]) for n in names])
    row("CPU time, user + system (s)", [seconds_cell(tools[n]["cpu"]) for n in names])
    row("peak memory (max RSS)", [f"{tools[n]['rss'] / 2**20:,.0f} MB" for n in names])

    ratios = []
    layout = f" --order {args.layout}" if args.layout else ""
    if GROWTHLENS in tools and PANDAS in tools:
        gl, pd_ = tools[GROWTHLENS], tools[PANDAS]
        ratios.append(f"- End to end: GrowthLens is **{pd_['wall'] / gl['wall']:.1f}x** faster "
                      f"than pandas + scikit-learn (target 25x) with "
                      f"**1/{pd_['rss'] / gl['rss']:.1f}** of its peak memory (target 1/6).")
    if GROWTHLENS in tools and DUCKDB in tools:
        gl, db = tools[GROWTHLENS], tools[DUCKDB]
        ratios.append(f"- Aggregation half: GrowthLens is **{db['aggregation'] / gl['aggregation']:.1f}x**"
                      f" faster than DuckDB (target 4x); whole process "
                      f"{db['wall'] / gl['wall']:.1f}x, peak memory 1/{db['rss'] / gl['rss']:.1f}.")
    versions = []
    for name in names:
        if name == GROWTHLENS:
            continue
        versions.append(f"{name}: {tools[name]['timings'].get('version', '?')}")
    today = datetime.datetime.now(datetime.timezone.utc).date().isoformat()
    header = (f"Run of {today} on {machine_description()}. Input: a usage log of "
              f"{os.path.getsize(args.usage) / 1e6:,.0f} MB "
              f"(`growthlens generate --users {args.users} --seed {args.seed}{layout}`) and the full "
              f"Online Retail file ({os.path.getsize(args.retail) / 1e6:,.0f} MB). "
              f"{'; '.join(versions)}. Seconds; stage times are summed over both files.")
    return "\n".join([header, "", *lines, "", *ratios])


def summary_of(tools):
    """What the layouts table needs of one layout's run."""
    return {name: {key: tool[key] for key in ("wall", "cpu", "rss", "aggregation")}
            for name, tool in tools.items()}


LAYOUT_LABELS = {"time": "rows ordered by time (as exports come)",
                 "user": "rows grouped by user",
                 "shuffled": "rows in no order"}


def build_layouts_table(work, layouts):
    """The layouts side by side, then each layout's own table (from run.sh's runs)."""
    lines = ["| input layout (`generate --order`) | GrowthLens: wall s (CPU s), peak RSS "
             "| pandas + scikit-learn | DuckDB (read, clean, rfm, features) "
             "| end to end vs pandas (target 25x) | aggregation half vs DuckDB (target 8x) "
             "| peak memory vs pandas (target 1/6) |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    details = []
    for layout in layouts:
        directory = os.path.join(work, layout)
        summary = json.load(open(os.path.join(directory, "summary.json")))
        gl, pd_, db = summary[GROWTHLENS], summary[PANDAS], summary[DUCKDB]
        lines.append(
            f"| {LAYOUT_LABELS.get(layout, layout)} (`{layout}`) "
            f"| {gl['wall']:.2f} ({gl['cpu']:.2f}), {gl['rss'] / 2**20:,.0f} MB "
            f"| {pd_['wall']:.2f} ({pd_['cpu']:.2f}), {pd_['rss'] / 2**20:,.0f} MB "
            f"| {db['aggregation']:.2f} (GrowthLens {gl['aggregation']:.2f}) "
            f"| **{pd_['wall'] / gl['wall']:.1f}x** | **{db['aggregation'] / gl['aggregation']:.1f}x** "
            f"| 1/{pd_['rss'] / gl['rss']:.1f} |")
        details += ["", f"Layout `{layout}`:", "",
                    open(os.path.join(directory, "table.md")).read().strip()]
    return "\n".join(lines + details)


def write_docs(path, table):
    text = open(path).read()
    begin, end = "<!-- compare:begin -->", "<!-- compare:end -->"
    if begin not in text or end not in text:
        sys.exit(f"compare.py: {path} lacks the {begin} / {end} markers")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    with open(path, "w") as f:
        f.write(f"{head}{begin}\n{table}\n{end}{tail}")
    print(f"table written into {path}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", required=True)
    parser.add_argument("--usage", required=True)
    parser.add_argument("--retail", required=True)
    parser.add_argument("--users", default="?")
    parser.add_argument("--seed", default="?")
    parser.add_argument("--layout", default="", help="the generated log's --order")
    parser.add_argument("--layouts-table", action="store_true",
                        help="tabulate the runs of WORK/LAYOUT side by side")
    parser.add_argument("--layouts", default="time,user,shuffled")
    parser.add_argument("--docs", help="Markdown file whose compare:begin/end block is replaced")
    if "--layouts-table" in sys.argv:
        for action in parser._actions:
            if action.dest in ("usage", "retail"):
                action.required = False
    args = parser.parse_args()
    if args.layouts_table:
        table = build_layouts_table(args.work, args.layouts.split(","))
        print(table)
        if args.docs:
            write_docs(args.docs, table)
        return
    usage_stem = os.path.splitext(os.path.basename(args.usage))[0]
    tools = collect(args.work, usage_stem)
    if not tools:
        sys.exit(f"compare.py: no results in {args.work}; run bench/compare/run.sh")
    checks = check_agreement(args.work, usage_stem, tools) if GROWTHLENS in tools else Checks()
    table = build_table(tools, args)
    print()
    print(table)
    with open(os.path.join(args.work, "table.md"), "w") as f:
        f.write(table + "\n")
    with open(os.path.join(args.work, "summary.json"), "w") as f:
        json.dump(summary_of(tools), f, indent=1)
    if checks.failures:
        print(f"\n{len(checks.failures)} check(s) failed; docs not updated", file=sys.stderr)
        sys.exit(1)
    if args.docs:
        if set(tools) != {GROWTHLENS, PANDAS, DUCKDB}:
            sys.exit("compare.py: the docs table needs results of all three tools; "
                     "run without --only, or with --no-docs")
        write_docs(args.docs, table)


if __name__ == "__main__":
    main()
