#!/usr/bin/python3
"""Golden values for netting cancelled orders and for non-product lines on the full UCI Online
Retail file, computed with pandas (retail_cleaning.py: the rules written from docs/ANALYTICS.md,
independent of GrowthLens).

Run (from the repo root; Debian's python3-pandas, pandas 1.5.3 was used):

    /usr/bin/python3 tests/golden/make_netting_golden.py > tests/golden/online_retail_netting.golden

Optional argument: path to online_retail.csv.xz (default: tests/data/online_retail.csv.xz).
Deterministic; no date of the run in the output.

Keys:
  drop.<rule>, rows_kept            cleaning with the default rules, netting on
  netting.<count>                   cancellation lines, matched / partly / unmatched, units,
                                    purchase lines removed / reduced
  unmatched.<i>.line/.invoice/.customer/.stock_code/.units/.unmatched_units
                                    the first 5 cancellation lines not netted in full, in file
                                    order; line = 1-based line in the file (the header is line 1)
  kept.revenue, kept.customers, kept.invoices
  products, products.top20_count, products.top20_share   products (non-product lines out),
                                    ranked by revenue desc, ties by StockCode asc; the share is of
                                    product revenue
  product_revenue, non_product_revenue
  top.<rank>.stock_code/.revenue/.quantity   the first 10 products
  non_product.<StockCode>.revenue/.quantity  every non-product stock code
  product.23843.revenue             PAPER CRAFT, LITTLE BIRDIE: "absent" when no product line is
                                    left (its only sale, 80,995 units, was cancelled by C581484)
  plain.top.1.stock_code            the top product under the seed's plain rule (drop the C lines,
                                    keep the purchases; non-product lines out): 23843
"""
import math
import os
import sys

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import retail_cleaning  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    REPO, "tests", "data", "online_retail.csv.xz")

df, raw, _ = retail_cleaning.read(path)
out = []


def put(key, value):
    out.append(f"{key} {value}")


def fl(x):
    return repr(float(x))


def products_of(kept):
    """(products ranked, non-product lines per stock code, product revenue, other revenue)."""
    kept = kept.assign(amount=kept["Quantity"] * kept["UnitPrice"],
                       product=retail_cleaning.is_product(kept["StockCode"], kept["Description"]))

    def per_code(frame):
        g = frame.groupby("StockCode")
        table = pd.DataFrame({
            "revenue": g["amount"].agg(lambda a: math.fsum(a.tolist())),
            "quantity": g["Quantity"].sum(),
        }).reset_index()
        return table.sort_values(["revenue", "StockCode"], ascending=[False, True],
                                 kind="mergesort").reset_index(drop=True)

    mine, other = kept[kept["product"]], kept[~kept["product"]]
    return (per_code(mine), per_code(other), math.fsum(mine["amount"].tolist()),
            math.fsum(other["amount"].tolist()))


drops, kept, stats, unmatched = retail_cleaning.clean(df, raw, net_cancellations=True)
for name, n in drops.items():
    put(f"drop.{name}", n)
put("rows_kept", len(kept))
for name, value in stats.items():
    put(f"netting.{name}", value)
put("netting.units_unmatched", stats["units_cancelled"] - stats["units_netted"])
for i, row in enumerate(unmatched.head(5).itertuples(index=False)):
    put(f"unmatched.{i}.line", int(row.pos) + 2)
    put(f"unmatched.{i}.invoice", raw.at[row.pos, "InvoiceNo"])
    put(f"unmatched.{i}.customer", raw.at[row.pos, "CustomerID"])
    put(f"unmatched.{i}.stock_code", raw.at[row.pos, "StockCode"])
    put(f"unmatched.{i}.units", int(row.units))
    put(f"unmatched.{i}.unmatched_units", int(row.unmatched_units))

amount = kept["Quantity"] * kept["UnitPrice"]
put("kept.revenue", fl(math.fsum(amount.tolist())))
put("kept.customers", kept["CustomerID"].nunique())
put("kept.invoices", kept["InvoiceNo"].nunique())

products, others, product_revenue, other_revenue = products_of(kept)
n = len(products)
top20 = (20 * n + 99) // 100
put("products", n)
put("products.top20_count", top20)
put("products.top20_share", fl(math.fsum(products["revenue"][:top20].tolist()) / product_revenue))
put("product_revenue", fl(product_revenue))
put("non_product_revenue", fl(other_revenue))
for rank, row in enumerate(products.head(10).itertuples(index=False), start=1):
    put(f"top.{rank}.stock_code", row.StockCode)
    put(f"top.{rank}.revenue", fl(row.revenue))
    put(f"top.{rank}.quantity", int(row.quantity))
for row in others.sort_values("StockCode").itertuples(index=False):
    key = row.StockCode.replace(" ", "_")
    put(f"non_product.{key}.revenue", fl(row.revenue))
    put(f"non_product.{key}.quantity", int(row.quantity))
little_birdie = products[products["StockCode"] == "23843"]
put("product.23843.revenue", fl(little_birdie["revenue"].iloc[0]) if len(little_birdie) else
    "absent")

_, plain, _, _ = retail_cleaning.clean(df, raw, net_cancellations=False)
plain_products = products_of(plain)[0]
put("plain.top.1.stock_code", plain_products["StockCode"].iloc[0])
put("plain.top.1.revenue", fl(plain_products["revenue"].iloc[0]))
assert plain_products["StockCode"].iloc[0] == "23843"
assert products["StockCode"].iloc[0] != "23843"

print("# Golden values: netting of cancelled orders and non-product lines on the full UCI "
      "Online Retail file.")
print("# Source: tests/golden/make_netting_golden.py with retail_cleaning.py (pandas, "
      "independent of GrowthLens)")
print(f"# pandas {pd.__version__}, numpy {np.__version__}, python {sys.version.split()[0]}")
print("\n".join(out))
