#!/usr/bin/python3
"""Golden values for the cleaning report on the full UCI Online Retail file.

Independent reference computed with pandas (not with GrowthLens), for the
C++ GoogleTest to compare against.

Run (from the repo root; needs Debian's python3-pandas, pandas 1.5.3 was used):

    /usr/bin/python3 tests/golden/make_online_retail_golden.py \
        > tests/golden/online_retail_cleaning.golden

Optional argument: path to online_retail.csv.xz
(default: tests/data/online_retail.csv.xz).
Deterministic: no randomness; only the "# generated" date line changes.

Rules, in order; a dropped row counts under the FIRST rule that rejects it:
  duplicate             exact duplicate of an earlier row (all 8 columns,
                        values as parsed by default read_csv, NaN == NaN)
  missing_customer      CustomerID missing
  invalid_date          InvoiceDate not "%Y-%m-%d %H:%M:%S" or outside
                        [1970-01-01, 2100-01-01)
  cancelled             InvoiceNo starts with "C"
  non_positive_quantity Quantity <= 0
  non_positive_price    UnitPrice <= 0
The "nodup." keys repeat the run with the duplicate rule switched off. This is the seed's plain
rule for cancellations (dropped, the purchases they cancel kept): GrowthLens with
--skip-rule net_cancellations; make_netting_golden.py covers the default, netting them.
"""
import datetime
import hashlib
import io
import lzma
import math
import os
import sys

import numpy as np
import pandas as pd

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    REPO, "tests", "data", "online_retail.csv.xz")

with lzma.open(path, "rb") as f:
    data = f.read()
df = pd.read_csv(io.BytesIO(data))                                     # default parsing
raw = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)  # cross-check only

out = []
def put(key, value):
    out.append(f"{key} {value}")

# ---- raw file ------------------------------------------------------------
put("rows_in", len(df))
put("raw.invoices", df["InvoiceNo"].nunique())
put("raw.stock_codes", df["StockCode"].nunique())
put("raw.customers", df["CustomerID"].nunique())
put("raw.countries", df["Country"].nunique())
put("raw.missing_description", int(df["Description"].isna().sum()))

# Sanity checks against the published UCI figures.
assert len(df) == 541909
assert df["InvoiceNo"].nunique() == 25900
assert df["StockCode"].nunique() == 4070
assert df["CustomerID"].nunique() == 4372
assert df["Country"].nunique() == 38
assert df["Description"].isna().sum() == 1454
assert df["CustomerID"].isna().sum() == 135080
assert round((df["Quantity"] * df["UnitPrice"]).sum(), 3) == 9747747.934

# ---- rules (the row rules of retail_cleaning.py; no netting: the seed's plain rule) ----------
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import retail_cleaning  # noqa: E402

date, RULES = retail_cleaning.row_rules(df)

def clean(rules):
    """Apply rules in order; return (drop counts, mask of kept rows)."""
    alive = pd.Series(True, index=df.index)
    drops = {}
    for name, rejects in rules:
        hit = alive & rejects
        drops[name] = int(hit.sum())
        alive &= ~hit
    assert sum(drops.values()) == len(df) - int(alive.sum())
    return drops, alive

drops, keep = clean(RULES)
for name, n in drops.items():
    put(f"drop.{name}", n)

# ---- kept rows -----------------------------------------------------------
k = df[keep].copy()
k["InvoiceDate"] = date[keep]
revenue_terms = k["Quantity"] * k["UnitPrice"]
revenue = float(revenue_terms.sum())
put("rows_kept", len(k))
put("kept.customers", k["CustomerID"].nunique())
put("kept.invoices", k["InvoiceNo"].nunique())
put("kept.stock_codes", k["StockCode"].nunique())
put("kept.countries", k["Country"].nunique())
put("kept.revenue", repr(revenue))
naive = 0.0
for x in revenue_terms:  # plain left-to-right double sum, in file order
    naive += x
out.append(f"# kept.revenue to 2 decimals: {revenue:.2f}; correctly rounded (math.fsum): "
           f"{math.fsum(revenue_terms)!r}; naive left-to-right: {naive!r} (compare with a tolerance)")
put("kept.first_date", k["InvoiceDate"].min().strftime("%Y-%m-%d %H:%M:%S"))
put("kept.last_date", k["InvoiceDate"].max().strftime("%Y-%m-%d %H:%M:%S"))

k["InvoiceYearMonth"] = k["InvoiceDate"].dt.strftime("%Y-%m")
k["CohortMonth"] = k.groupby("CustomerID")["InvoiceYearMonth"].transform("min")
for month, n in k.groupby("InvoiceYearMonth").size().sort_index().items():
    put(f"rows_by_month.{month}", n)
for month, n in k.groupby("CohortMonth")["CustomerID"].nunique().sort_index().items():
    put(f"customers_by_cohort.{month}", n)

# ---- variant: duplicate rule switched off --------------------------------
nd_drops, nd_keep = clean(RULES[1:])
for name, n in nd_drops.items():
    put(f"nodup.drop.{name}", n)
put("nodup.rows_kept", int(nd_keep.sum()))

# ---- cross-check: duplicates by raw strings vs by parsed values ----------
raw_dups = int(raw.duplicated(keep="first").sum())
same = bool((raw.duplicated(keep="first") == RULES[0][1]).all())
out.append(f"# check: duplicates by raw strings = {raw_dups}, by parsed values = "
           f"{drops['duplicate']}, same rows = {same}")

print("# Golden values for the cleaning report on the full UCI Online Retail file.")
print("# Source: tests/golden/make_online_retail_golden.py (pandas, independent of GrowthLens)")
print(f"# input: online_retail.csv.xz, decompressed sha256 {hashlib.sha256(data).hexdigest()}")
print(f"# pandas {pd.__version__}, numpy {np.__version__}, python {sys.version.split()[0]}")
print(f"# generated {datetime.date.today().isoformat()}")
print("\n".join(out))
