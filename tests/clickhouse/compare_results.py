"""Compares two JSON results of GrowthLens (embedded workspace, ClickHouse workspace): the same
keys and list lengths; integers and strings equal; floats within a relative 1e-9 (ClickHouse
sums money as plain Float64 in its own order, GrowthLens with compensated sums), absolute 1e-9
near 0. Prints each difference with its path; exits 1 when there is one.
    python3 compare_results.py [--ignore KEY,...] [--unordered KEY,...] [--cents KEY,...]
        EMBEDDED.json CLICKHOUSE.json
"""
import json
import math
import sys

REL = 1e-9
# Timing of the run itself, not a result.
IGNORED = {"seconds", "fit_seconds", "elapsed_seconds"}
# Money rounded to the cent from sums added in different orders (--cents): within one cent.
CENTS = set()


def compare(a, b, path, out):
    if isinstance(a, dict) and isinstance(b, dict):
        if set(a) != set(b):
            out.append(f"{path}: keys {sorted(set(a) ^ set(b))} in one only")
        for key in a.keys() & b.keys():
            if key in CENTS and isinstance(a[key], (int, float)) and isinstance(b[key], (int, float)):
                if abs(a[key] - b[key]) > 0.0100001:
                    out.append(f"{path}.{key}: {a[key]!r} vs {b[key]!r} (to the cent)")
            elif key not in IGNORED:
                compare(a[key], b[key], f"{path}.{key}", out)
    elif isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            out.append(f"{path}: {len(a)} entries vs {len(b)}")
        for i, (x, y) in enumerate(zip(a, b)):
            compare(x, y, f"{path}[{i}]", out)
    elif isinstance(a, bool) or isinstance(b, bool) or isinstance(a, str) or a is None:
        if a != b:
            out.append(f"{path}: {a!r} vs {b!r}")
    elif isinstance(a, int) and isinstance(b, int):
        if a != b:
            out.append(f"{path}: {a} vs {b} (exact)")
    elif isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if not math.isclose(a, b, rel_tol=REL, abs_tol=1e-9):
            out.append(f"{path}: {a!r} vs {b!r} (tolerance {REL})")
    elif a != b:
        out.append(f"{path}: {a!r} vs {b!r}")


def sort_rows(rows):
    """A table's rows in the order of their text fields (features, periods)."""
    return sorted(rows, key=lambda row: tuple(
        str(v) for v in row.values() if isinstance(v, str)) if isinstance(row, dict) else ())


def main():
    args = sys.argv[1:]
    unordered = set()
    while args and args[0].startswith("--"):
        if args[0] == "--ignore":
            IGNORED.update(args[1].split(","))
        elif args[0] == "--cents":
            CENTS.update(args[1].split(","))
        elif args[0] == "--unordered":
            unordered.update(args[1].split(","))
        args = args[2:]
    with open(args[0]) as f:
        embedded = json.load(f)
    with open(args[1]) as f:
        clickhouse = json.load(f)
    # Tables listed in feature code order, which is the order the features first appear in the
    # file ingested: a ClickHouse workspace cannot know it, so these compare as sets of rows.
    for key in unordered:
        for result in (embedded, clickhouse):
            if isinstance(result.get(key), list):
                result[key] = sort_rows(result[key])
    differences = []
    compare(embedded, clickhouse, "$", differences)
    for line in differences[:20]:
        print(line)
    if len(differences) > 20:
        print(f"... and {len(differences) - 20} more")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
