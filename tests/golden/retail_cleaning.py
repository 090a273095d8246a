"""The UCI Online Retail file cleaned with pandas as GrowthLens's default rules say
(docs/ANALYTICS.md, README "Cleaning"), for the golden scripts that start from the clean data.
Independent of GrowthLens: written from the rules, not from its code.

Rules, in order; a dropped row counts under the FIRST rule that rejects it:
  duplicate             exact duplicate of an earlier row (all 8 columns as parsed by default
                        read_csv, NaN == NaN)
  missing_customer      CustomerID missing
  invalid_date          InvoiceDate not "%Y-%m-%d %H:%M:%S" or outside [1970-01-01, 2100-01-01)
  cancelled             InvoiceNo starts with "C"
  non_positive_quantity Quantity <= 0
  non_positive_price    UnitPrice <= 0
  net_cancellations     (netting, on by default) a purchase taken back in full by cancellations

Netting: the cancellation lines are the rows whose first failing rule is "cancelled" (they have
a customer and a valid date) with Quantity != 0; each takes |Quantity| units back from the
purchases still kept (the rows no rule rejects) of the same CustomerID and StockCode. Per
(CustomerID, StockCode) the lines are walked in order of (InvoiceDate, file order): a
cancellation takes back only what was bought before it; purchases pile up, and a cancellation takes units
from the latest purchase on the pile first, then the one before, as long as it has units to
take back. Units no purchase can give back are unmatched. A purchase left with 0 units is
dropped (net_cancellations); one left with fewer units is kept with them. The seed's plain rule
(drop the cancellations, keep the purchases) is net=False.

Non-product lines (kept in revenue, out of product rankings): an item is not a product when its
StockCode (case-insensitive) is one of NON_PRODUCT_CODES or starts with "gift_", or its
Description (upper case, trimmed, runs of spaces as one) is one of NON_PRODUCT_DESCRIPTIONS or
starts with "DOTCOMGIFTSHOP GIFT VOUCHER".
"""
import io
import lzma
import re

import pandas as pd

# One-letter codes (M Manual, D Discount, S SAMPLES, B Adjust bad debt) go by their descriptions.
NON_PRODUCT_CODES = {"POST", "DOT", "C2", "BANK CHARGES", "AMAZONFEE", "CRUK"}
NON_PRODUCT_DESCRIPTIONS = {"POSTAGE", "DOTCOM POSTAGE", "CARRIAGE", "NEXT DAY CARRIAGE",
                            "PACKING CHARGE", "MANUAL", "DISCOUNT", "SAMPLES", "BANK CHARGES",
                            "AMAZON FEE", "CRUK COMMISSION", "ADJUST BAD DEBT"}


def read(path):
    """(parsed frame, raw string frame, the decompressed bytes)."""
    with lzma.open(path, "rb") as f:
        data = f.read()
    df = pd.read_csv(io.BytesIO(data))
    raw = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    assert len(df) == 541909
    return df, raw, data


def row_rules(df):
    date = pd.to_datetime(df["InvoiceDate"], format="%Y-%m-%d %H:%M:%S", errors="coerce")
    bad_date = (date.isna() | (date < pd.Timestamp("1970-01-01"))
                | (date >= pd.Timestamp("2100-01-01")))
    return date, [
        ("duplicate", df.duplicated(keep="first")),
        ("missing_customer", df["CustomerID"].isna()),
        ("invalid_date", bad_date),
        ("cancelled", df["InvoiceNo"].astype(str).str.startswith("C")),
        ("non_positive_quantity", df["Quantity"] <= 0),
        ("non_positive_price", df["UnitPrice"] <= 0),
    ]


def net(df, date, first_rule, alive):
    """Netting as in the module docstring. Returns (units left per kept purchase row, a
    Series indexed like df; statistics dict; unmatched cancellation rows as a frame)."""
    cancel = df[(first_rule == "cancelled") & (df["Quantity"] != 0)]
    keys = set(zip(cancel["CustomerID"], cancel["StockCode"].astype(str)))
    kept = df[alive]
    in_keys = [(c, s) in keys for c, s in zip(kept["CustomerID"], kept["StockCode"].astype(str))]
    buys = kept[in_keys]
    events = pd.concat([
        pd.DataFrame({"customer": buys["CustomerID"], "code": buys["StockCode"].astype(str),
                      "time": date[buys.index], "is_cancel": 0, "pos": buys.index,
                      "units": buys["Quantity"].astype("int64")}),
        pd.DataFrame({"customer": cancel["CustomerID"], "code": cancel["StockCode"].astype(str),
                      "time": date[cancel.index], "is_cancel": 1, "pos": cancel.index,
                      "units": cancel["Quantity"].abs().astype("int64")}),
    ]).sort_values(["customer", "code", "time", "pos"], kind="mergesort")
    left = {}
    stats = dict(cancellation_lines=len(cancel), matched_lines=0, partly_matched_lines=0,
                 unmatched_lines=0, units_cancelled=0, units_netted=0)
    unmatched = []
    for (_, _), group in events.groupby(["customer", "code"], sort=False):
        pile = []
        for row in group.itertuples(index=False):
            if not row.is_cancel:
                left[row.pos] = row.units
                pile.append(row.pos)
                continue
            units = row.units
            while units > 0 and pile:
                take = min(units, left[pile[-1]])
                left[pile[-1]] -= take
                units -= take
                if left[pile[-1]] == 0:
                    pile.pop()
            stats["units_cancelled"] += row.units
            stats["units_netted"] += row.units - units
            if units == 0:
                stats["matched_lines"] += 1
            else:
                stats["unmatched_lines" if units == row.units else "partly_matched_lines"] += 1
                unmatched.append((row.pos, row.units, units))
    units_left = df["Quantity"].copy()
    for pos, units in left.items():
        units_left[pos] = units
    changed = [pos for pos, units in left.items() if units != df.at[pos, "Quantity"]]
    stats["purchase_lines_removed"] = sum(1 for pos in changed if left[pos] == 0)
    stats["purchase_lines_reduced"] = sum(1 for pos in changed if left[pos] != 0)
    unmatched = pd.DataFrame(unmatched, columns=["pos", "units", "unmatched_units"]).sort_values(
        "pos")
    return units_left, stats, unmatched


def clean(df, raw, net_cancellations=True):
    """(drops per rule, the kept rows as a frame, netting statistics or None, unmatched
    cancellations or None). The frame: InvoiceNo, StockCode, Description, Country as the
    file's strings, Quantity (netted), UnitPrice, InvoiceDate (parsed), CustomerID (int64)."""
    date, rules = row_rules(df)
    alive = pd.Series(True, index=df.index)
    first_rule = pd.Series("", index=df.index)
    drops = {}
    for name, rejects in rules:
        hit = alive & rejects
        drops[name] = int(hit.sum())
        first_rule[hit] = name
        alive &= ~hit
    stats = unmatched = None
    quantity = df["Quantity"]
    if net_cancellations:
        quantity, stats, unmatched = net(df, date, first_rule, alive)
        removed = alive & (quantity == 0)
        drops["net_cancellations"] = int(removed.sum())
        alive &= ~removed
    assert sum(drops.values()) == len(df) - int(alive.sum())
    kept = pd.DataFrame({
        "InvoiceNo": raw.loc[alive, "InvoiceNo"],
        "StockCode": raw.loc[alive, "StockCode"],
        "Description": raw.loc[alive, "Description"],
        "Quantity": quantity[alive].astype("int64"),
        "UnitPrice": df.loc[alive, "UnitPrice"],
        "InvoiceDate": date[alive],
        "CustomerID": df.loc[alive, "CustomerID"].astype("int64"),
        "Country": raw.loc[alive, "Country"],
    })
    return drops, kept, stats, unmatched


def is_product(stock_code, description):
    """Per line: not one of the non-product codes or descriptions."""
    code = stock_code.str.upper()
    text = description.fillna("").map(lambda d: re.sub(r"\s+", " ", d.strip().upper()))
    other = (code.isin(NON_PRODUCT_CODES) | stock_code.str.lower().str.startswith("gift_")
             | text.isin(NON_PRODUCT_DESCRIPTIONS)
             | text.str.startswith("DOTCOMGIFTSHOP GIFT VOUCHER"))
    return ~other
