"""Puts a users or paths result of GrowthLens in an order both workspaces share, in place, for
compare_results.py: the users list (JSON, or the CSV export turned into JSON rows) by id, since
users of equal value are listed in user code order (the file's on the embedded workspace, the
server's on ClickHouse); one user's timeline with each day's features and invoices sorted, since
ClickHouse does not keep the file's row order inside a day. A list's monetary value of
transactions is the RFM table's revenue rounded to the cent: ClickHouse adds the prices in
another order, so a sum at half a cent can round the other way (seen: 1040.56 and 1040.55);
compare_results.py --cents monetary compares it to within one cent (the unrounded value is
compared to 1e-9 by `rfm --view users`).
    python3 normalize_users.py RESULT [csv]
"""
import csv
import json
import sys


def main():
    path = sys.argv[1]
    if len(sys.argv) > 2 and sys.argv[2] == "csv":
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
        result = {"users": sorted(rows, key=lambda row: row["id"])}
    else:
        with open(path) as f:
            result = json.load(f)
        if isinstance(result.get("users"), list):
            result["users"].sort(key=lambda row: row["id"])
        for day in result.get("timeline", []):
            for key in ("features", "invoices"):
                if isinstance(day.get(key), list):
                    day[key].sort()
    with open(path, "w") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
