#!/usr/bin/python3
"""pandas reading the events benchmark's files, side by side with build/bench/events_benchmark.

    /usr/bin/python3 bench/compare/pandas_events_read.py [--dir /tmp/growthlens-bench] [--rows N]

Reads DIR/events_5m.csv with pd.read_csv and DIR/events_5m.ndjson (the same events, one JSON
object per line, the platform in a "properties" object; both written by events_benchmark) with
pd.read_json(lines=True), then does what GrowthLens' reader does beyond parsing: UTC times to
the millisecond (pd.to_datetime(utc=True)), the platform as a column (pd.json_normalize of the
properties for NDJSON) and categoricals for the string columns (the analogue of dictionary
coding). --rows N reads only the first N lines of each (pandas' read_json keeps every line as a
Python dict first and needs several GB for 5M lines). Prints seconds, events/s, MB/s (of the
bytes of the lines read) and the process' peak RSS after each read.
"""
import argparse
import os
import resource
import time

import pandas as pd


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def line_bytes(path, rows):
    with open(path, "rb") as handle:
        if rows is None:
            return os.path.getsize(path)
        total = 0
        for index, line in enumerate(handle):
            if index > rows:  # the CSV's header counts as well; close enough for NDJSON
                break
            total += len(line)
        return total


def report(name, seconds, events, size):
    print(f"{name:<28} {seconds:7.2f} s  {events / seconds / 1e6:6.2f} M events/s  "
          f"{size / seconds / 1e6:7.1f} MB/s  peak RSS {peak_rss_mb():7.0f} MB")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dir", default=os.environ.get("GROWTHLENS_BENCH_DIR",
                                                        "/tmp/growthlens-bench"))
    parser.add_argument("--rows", type=int, default=None)
    args = parser.parse_args()
    csv_path = os.path.join(args.dir, "events_5m.csv")
    ndjson_path = os.path.join(args.dir, "events_5m.ndjson")

    start = time.perf_counter()
    frame = pd.read_csv(csv_path, dtype=str, nrows=args.rows)
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    for column in ["user_id", "event", "platform"]:
        frame[column] = frame[column].astype("category")
    report("pandas read_csv", time.perf_counter() - start, len(frame),
           line_bytes(csv_path, args.rows))
    del frame

    start = time.perf_counter()
    frame = pd.read_json(ndjson_path, lines=True, nrows=args.rows, dtype=False,
                         convert_dates=False)
    frame = frame.join(pd.json_normalize(frame.pop("properties")))
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
    for column in ["user_id", "event", "platform"]:
        frame[column] = frame[column].astype("category")
    report("pandas read_json(lines=True)", time.perf_counter() - start, len(frame),
           line_bytes(ndjson_path, args.rows))


if __name__ == "__main__":
    main()
