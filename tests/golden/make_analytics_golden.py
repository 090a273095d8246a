#!/usr/bin/python3
"""Golden values for the analytics core (docs/ANALYTICS.md), computed with pandas.

Independent reference (pandas, not GrowthLens) for the C++ GoogleTests to compare against.

Run from the repo root (Debian's python3-pandas; pandas 1.5.3, numpy 1.24.2, python 3.11.2):

    ./build/growthlens generate --order user --users 300 --seed 7 --output tests/golden/usage_small.csv
    /usr/bin/python3 tests/golden/make_analytics_golden.py [path/to/online_retail.csv.xz]

(default input: tests/data/online_retail.csv.xz; the usage log
is read from tests/golden/usage_small.csv, which the generate command above rewrites
byte-identically). Fully deterministic: no randomness, no dates of the run in any output.

Writes into tests/golden/:
  online_retail_monthly.csv       month,revenue,orders,customers,aov,new_revenue,returning_revenue
  online_retail_countries.csv     country,revenue,orders,customers
  online_retail_rfm_sample.csv    customer_id,recency,frequency,monetary,r,f,m,segment
  online_retail_rfm_summary.golden
  online_retail_cohorts.csv       cohort,period,active_customers,cohort_size,retention,
                                  on_or_after_customers
  online_retail_cohort_average.csv period,retention_weighted,retention_on_or_after_weighted
  online_retail_pareto.golden
  online_retail_seasonality.csv   dimension,key,revenue,orders
  usage_small.golden

CHOICES (the C++ implementation must match these):

Input and cleaning
  * Online Retail: cleaned with the default rules as retail_cleaning.py writes them (in order:
    duplicate over all 8 parsed columns keep first, missing CustomerID, invalid date, InvoiceNo
    starting with "C", Quantity <= 0, UnitPrice <= 0, then netting: each cancellation takes its
    units back from the same customer's latest earlier purchases of the item, a purchase netted
    to 0 is dropped); 389,870 rows kept, 4,327 customers. InvoiceNo, StockCode and Country are
    taken as the raw strings of the file (all of them are strings anyway). The seed's plain rule
    (no netting) keeps its own golden: make_online_retail_golden.py.
  * Usage log: the default usage rules (duplicate, missing id, invalid date, events_count <= 0,
    event before signup) are applied too; they drop nothing on usage_small.csv (asserted).
  * day = InvoiceDate.normalize() (event_date for usage); month = day.strftime("%Y-%m").

Sums and floats
  * Every sum of amounts (Quantity * UnitPrice, each product a double) is written
    correctly rounded (math.fsum over the group's amounts); pandas' groupby().sum() is computed
    too and asserted to agree to 1e-9 relative. C++ should compare with a relative tolerance
    (1e-9 is ample). Floats are written with Python repr() (shortest round-trip).
  * Ratios (aov, shares, retention, means) are computed from those correctly rounded sums and
    exact counts: aov = revenue / orders; means = fsum(values) / count.

Monthly table
  * orders / customers = distinct InvoiceNo / CustomerID among the month's rows.
  * new_revenue = amounts of rows whose month == the customer's cohort month (month of the
    customer's first purchase); returning_revenue = all other rows of the month.

Countries
  * customers per country = distinct CustomerID among that country's rows (a customer who
    bought from two countries counts in both). Sorted by revenue desc, ties by country asc.

RFM (transactions)
  * reference day = last day in the data + 1 day = 2011-12-10.
  * recency = (reference_day - last purchase day).days; frequency = nunique(InvoiceNo);
    monetary = fsum(amounts).
  * Customers in ascending numeric CustomerID order (groupby order); this order breaks ties.
  * Default scores ("first"):
        r = pd.qcut(recency.rank(method="first"), 5, labels=[5,4,3,2,1])
        f = pd.qcut(frequency.rank(method="first"), 5, labels=[1,2,3,4,5])
        m = pd.qcut(monetary.rank(method="first"), 5, labels=[1,2,3,4,5])
    i.e. with ranks k = 1..n and edges e_i = 1 + i*(n-1)/5 (numpy linear quantile over 1..n),
    bin = 1 + #{i in 1..4 : k > e_i} (right-closed bins); r = 6 - bin of the ascending
    recency rank. For n = 4338 the bins hold 868, 867, 868, 867, 868 customers.
  * Shared-ties scores ("shared", keys prefixed "shared."): equal values share a score:
        bin = ceil(5 * rank(method="min") / n)   (clamped to 1..5)
    f and m use ascending ranks; r uses the ASCENDING recency rank_min and r = 6 - bin (so the
    most recent tie group always gets r = 5; "ranked ascending then reversed", as the default).
    Not qcut on the min-ranks: that fails on duplicate edges; with duplicates="drop" it
    yields fewer than 5 bins and the labels no longer fit (what it gives is written in a comment
    of the summary).
  * Segments: first matching rule of the table in docs/ANALYTICS.md.
  * Sample (online_retail_rfm_sample.csv): customers at positions 0, 100, 200, ... (0-based) in
    ascending CustomerID order (44 customers), plus the 5 with the highest monetary (ties by
    CustomerID asc) and the 5 with the largest recency (ties by CustomerID asc); duplicates
    removed, listed in ascending CustomerID order. (That gives 54 rows, not 40: "every 100th"
    of 4,338 customers is 44 by itself.) Scores in the sample are the default ("first") ones.
  * Summary: all 11 segments are listed (count 0 allowed); per-segment means and shares only for
    non-empty segments. share = users / customers; monetary_share = fsum(segment monetary) /
    fsum(all monetary). grid.R.F.M lists only non-empty cells (default scores).
    Segment names: spaces replaced by "_" (the apostrophe of Can't_Lose_Them is kept).

Cohorts (transactions)
  * cohort = month of the customer's first purchase; period = (year*12+month of the row)
    - (year*12+month of the cohort).
  * active_customers = distinct customers of the cohort with a row in that period; only cells
    with active_customers > 0 are written. retention = active / cohort_size.
    on_or_after_customers = customers of the cohort whose LAST active period is >= period.
  * Average curve for period n: over the cohorts whose month cohort_month + n is a month the
    data covers whole, sum(active) / sum(cohort_size); cohorts with no active customer in that
    period count with 0 active. The data ends on 2011-12-09, so 2011-12 is partial and its
    cells are left out (period 12 has no cohort: "unobserved"). retention_on_or_after_weighted
    likewise with on_or_after counts. Periods 0 .. (last month - first month) are written.
    Every cohort is a month of the data, so every cell up to the last month is observed and no
    cohort is left-censored (asserted; compare the usage log below).

Pareto
  * Lines that are not products (retail_cleaning.is_product: postage, carriage, manual,
    bank charges, ...) are left out; N = distinct StockCode of the remaining lines; products
    ranked by revenue desc, ties by StockCode asc (byte-wise string order); shares are of their
    revenue. top20_count = ceil(0.2*N) computed in integers as
    (20*N + 99) // 100. cum_share.P (P = 10, 20, 50, 80 percent) = revenue of the first
    k = ceil(P*N/100) products / total revenue (integer ceil as above).
  * customers: ranked by monetary desc, ties by CustomerID asc; same top-20% and cum_share keys.

Seasonality
  * month = InvoiceDate.month (1-12), weekday = InvoiceDate.dayofweek (Monday 0), hour =
    InvoiceDate.hour (0-23); orders = distinct InvoiceNo among the key's rows (an invoice whose
    lines fall in two keys counts in both; the golden prints how many invoices do). Only keys
    that occur are written, ascending.

Usage log (usage_small.golden)
  * users = distinct user_id with a row; rows; total_events = sum(events_count).
  * feature.<name>.events = sum(events_count), .users = distinct users, .adoption = users/users.
  * Period = [first event day, last event day] of the data. average_dau = mean over EVERY day of
    the period of distinct active users (quiet days count as 0); average_wau = mean over every
    ISO (Monday) week that overlaps the period (partial edge weeks count as whole weeks, with
    whatever activity they hold); average_mau = mean over every calendar month overlapping the
    period. stickiness = average_dau / average_mau.
  * RFM: reference = last day + 1; recency = days since last active day; frequency = distinct
    active days; monetary = total events; users in ascending numeric user_id; same scoring as
    above (first and shared).
  * Cohorts: cohort = signup month (the log has signup dates). cohort_size = users of that signup
    month that have any row (every user in the log). period = event month - signup month.
  * Observed cells: (cohort c, period n) is observed only if the month c + n lies within
    [first event month, last event month] of the data. Signups start before the activity data
    (2024 signups, events from 2025-01), and nobody can be seen active in a month the log does
    not cover: those cells are unobserved, not 0% retained. cohort.<c>.first_observed_period =
    max(0, first event month - c).
  * Month-1 retention = users active in period 1 / cohort_size, written only for cohorts whose
    period 1 is observed.
  * Left-censored cohorts: a cohort whose month starts before the first event day (every 2024
    signup month here) can only show the users still active once the data starts, so its
    retention is biased up: cohort.<c>.left_censored = 1, and it is left out of the averages.
  * Partial months: a month the data covers in part (starting after its 1st, or ending before
    its last day) is left out of the averages too (none in this log: 2025-01-01 .. 2025-12-31).
  * cohort_average.<n> = sum(active in period n) / sum(cohort_size) over the cohorts that are
    not left-censored and whose period n is observed and not partial (a cohort with nobody
    active in such a period counts with 0); cohort_average_on_or_after.<n> likewise with the
    users of the cohort whose LAST active period is >= n. n = 0 .. (last event month - earliest
    signup month); "unobserved" where no cohort counts at period n. cohort_average_users = the
    users of the cohorts that are not left-censored.
"""
import io
import lzma
import math
import os
import sys

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    REPO, "tests", "data", "online_retail.csv.xz")
USAGE = os.path.join(HERE, "usage_small.csv")

SEGMENTS = ["Champions", "Loyal", "New", "Promising", "Potential Loyalist", "Can't Lose Them",
            "At Risk", "Need Attention", "About to Sleep", "Hibernating", "Lost"]


def fsum(values):
    return math.fsum(np.asarray(values, dtype=np.float64).tolist())


def fl(x):
    return repr(float(x))


def check_close(a, b, what):
    a = float(a)
    b = float(b)
    assert abs(a - b) <= 1e-9 * max(1.0, abs(b)), (what, a, b)


def segment_of(r, f, m):
    if r >= 4 and f >= 4 and m >= 4:
        return "Champions"
    if r >= 3 and f >= 3:
        return "Loyal"
    if r >= 4 and f == 1:
        return "New"
    if r == 3 and f == 1:
        return "Promising"
    if r >= 3 and f == 2:
        return "Potential Loyalist"
    if r <= 2 and f >= 4 and m >= 4:
        return "Can't Lose Them"
    if r <= 2 and f >= 3:
        return "At Risk"
    if r == 2 and f == 2:
        return "Need Attention"
    if r == 2 and f == 1:
        return "About to Sleep"
    if r == 1 and f == 2:
        return "Hibernating"
    if r == 1 and f == 1:
        return "Lost"
    raise AssertionError((r, f, m))


# The table covers all 125 cells, one segment each, and every segment is reachable.
_cells = {(r, f, m): segment_of(r, f, m)
          for r in range(1, 6) for f in range(1, 6) for m in range(1, 6)}
assert set(_cells.values()) == set(SEGMENTS)


def scores_first(values, higher_is_better):
    """pd.qcut(values.rank(method="first"), 5) with labels 1..5 (reversed for recency)."""
    labels = [1, 2, 3, 4, 5] if higher_is_better else [5, 4, 3, 2, 1]
    return pd.qcut(values.rank(method="first"), 5, labels=labels).astype(int)


def scores_shared(values, higher_is_better):
    """ceil(5 * rank(method="min") / n) on ascending ranks; 6 - that for recency."""
    n = len(values)
    rank_min = values.rank(method="min").astype(np.int64)
    bins = ((5 * rank_min + n - 1) // n).clip(1, 5)  # integer ceil
    return bins if higher_is_better else 6 - bins


def rfm_scores(rfm):
    """Adds r,f,m,segment and shared_r,shared_f,shared_m,shared_segment."""
    rfm["r"] = scores_first(rfm["recency"], False)
    rfm["f"] = scores_first(rfm["frequency"], True)
    rfm["m"] = scores_first(rfm["monetary"], True)
    rfm["segment"] = [segment_of(*t) for t in zip(rfm["r"], rfm["f"], rfm["m"])]
    rfm["shared_r"] = scores_shared(rfm["recency"], False)
    rfm["shared_f"] = scores_shared(rfm["frequency"], True)
    rfm["shared_m"] = scores_shared(rfm["monetary"], True)
    rfm["shared_segment"] = [segment_of(*t) for t in
                             zip(rfm["shared_r"], rfm["shared_f"], rfm["shared_m"])]
    # Cross-check the documented closed form of the default scores.
    n = len(rfm)
    edges = [1 + i * (n - 1) / 5 for i in range(1, 5)]
    for col, name, hib in (("r", "recency", False), ("f", "frequency", True),
                           ("m", "monetary", True)):
        k = rfm[name].rank(method="first").to_numpy()
        b = 1 + sum((k > e).astype(int) for e in edges)
        assert (rfm[col].to_numpy() == (b if hib else 6 - b)).all(), col
    return rfm


def qcut_min_comment(values, name):
    """What pandas does with qcut on method="min" ranks (documentation only)."""
    ranks = values.rank(method="min")
    try:
        pd.qcut(ranks, 5)
        plain = "works"
    except ValueError as e:
        plain = f"fails ({str(e).split(':')[0]})"
    binned = pd.qcut(ranks, 5, duplicates="drop")
    counts = binned.value_counts(sort=False).tolist()
    note = "" if len(counts) == 5 else ", so labels=[1..5] cannot be used"
    return (f"# {name}: qcut(rank(method='min'), 5) {plain}; with duplicates='drop' it gives "
            f"{len(counts)} bins of sizes {counts}{note}")


def score_lines(rfm, put, prefix=""):
    cols = ("shared_r", "shared_f", "shared_m") if prefix else ("r", "f", "m")
    for key, col in zip("rfm", cols):
        counts = rfm[col].value_counts()
        for s in range(1, 6):
            put(f"{prefix}{key}.{s}", int(counts.get(s, 0)))


def segment_lines(rfm, put, prefix="", seg_col="segment", summary=True):
    n = len(rfm)
    total_monetary = fsum(rfm["monetary"])
    for name in SEGMENTS:
        part = rfm[rfm[seg_col] == name]
        key = f"{prefix}segment.{name.replace(' ', '_')}"
        put(key, len(part))
        if summary and len(part):
            put(f"{key}.share", fl(len(part) / n))
            put(f"{key}.mean_recency", fl(fsum(part["recency"]) / len(part)))
            put(f"{key}.mean_frequency", fl(fsum(part["frequency"]) / len(part)))
            put(f"{key}.mean_monetary", fl(fsum(part["monetary"]) / len(part)))
            put(f"{key}.monetary_share", fl(fsum(part["monetary"]) / total_monetary))


def month_index(period_str_series):
    y = period_str_series.str.slice(0, 4).astype(int)
    m = period_str_series.str.slice(5, 7).astype(int)
    return y * 12 + (m - 1)


def month_label(idx):
    return f"{idx // 12:04d}-{idx % 12 + 1:02d}"


def ceil_pct(n, pct):
    return (pct * n + 99) // 100


def write_lines(name, lines):
    with open(os.path.join(HERE, name), "w", newline="\n") as f:
        f.write("\n".join(lines) + "\n")


def write_csv(name, frame):
    frame.to_csv(os.path.join(HERE, name), index=False, lineterminator="\n")


def header(title):
    return [f"# {title}",
            "# Source: tests/golden/make_analytics_golden.py (pandas, independent of GrowthLens);",
            "# definitions and every choice are in that script's header.",
            f"# pandas {pd.__version__}, numpy {np.__version__}, python {sys.version.split()[0]}"]


# =========================================================================================
# Online Retail: load and clean with the default rules, netting included (retail_cleaning.py)
# =========================================================================================
sys.path.insert(0, HERE)
import retail_cleaning  # noqa: E402

df, raw, _ = retail_cleaning.read(path)
_, k, _, _ = retail_cleaning.clean(df, raw, net_cancellations=True)
assert len(k) == 389870
k["amount"] = k["Quantity"] * k["UnitPrice"]
k["day"] = k["InvoiceDate"].dt.normalize()
k["month"] = k["day"].dt.strftime("%Y-%m")
k["month_idx"] = month_index(k["month"])
k["CohortMonth"] = k.groupby("CustomerID")["month"].transform("min")
k["cohort_idx"] = month_index(k["CohortMonth"])

TOTAL = fsum(k["amount"])
assert abs(TOTAL - 8373716.734) < 0.01, TOTAL
assert k["CustomerID"].nunique() == 4327


def revenue_by(keys, frame=k):
    """fsum of amounts per group, checked against pandas' groupby sum."""
    g = frame.groupby(keys)["amount"]
    exact = g.agg(fsum)
    pandas_sum = g.sum()
    for key, value in exact.items():
        check_close(pandas_sum[key], value, ("revenue", keys, key))
    return exact


# ---- monthly -----------------------------------------------------------------------------
monthly = pd.DataFrame({
    "revenue": revenue_by("month"),
    "orders": k.groupby("month")["InvoiceNo"].nunique(),
    "customers": k.groupby("month")["CustomerID"].nunique(),
})
is_new = k["month"] == k["CohortMonth"]
new_rev = revenue_by("month", k[is_new]).reindex(monthly.index, fill_value=0.0)
ret_rev = revenue_by("month", k[~is_new]).reindex(monthly.index, fill_value=0.0)
rows = []
for month, row in monthly.sort_index().iterrows():
    check_close(new_rev[month] + ret_rev[month], row["revenue"], ("new+returning", month))
    rows.append({"month": month, "revenue": fl(row["revenue"]), "orders": int(row["orders"]),
                 "customers": int(row["customers"]),
                 "aov": fl(row["revenue"] / row["orders"]),
                 "new_revenue": fl(new_rev[month]), "returning_revenue": fl(ret_rev[month])})
write_csv("online_retail_monthly.csv", pd.DataFrame(rows))
invoices_multi_month = int((k.groupby("InvoiceNo")["month"].nunique() > 1).sum())

# ---- countries ---------------------------------------------------------------------------
countries = pd.DataFrame({
    "revenue": revenue_by("Country"),
    "orders": k.groupby("Country")["InvoiceNo"].nunique(),
    "customers": k.groupby("Country")["CustomerID"].nunique(),
}).reset_index().rename(columns={"Country": "country"})
countries = countries.sort_values(["revenue", "country"], ascending=[False, True], kind="mergesort")
countries["revenue"] = countries["revenue"].map(fl)
write_csv("online_retail_countries.csv", countries[["country", "revenue", "orders", "customers"]])

# ---- RFM ---------------------------------------------------------------------------------
last_day = k["day"].max()
reference_day = last_day + pd.Timedelta(days=1)
assert reference_day == pd.Timestamp("2011-12-10")
g = k.groupby("CustomerID")
rfm = pd.DataFrame({
    "recency": (reference_day - g["day"].max()).dt.days,
    "frequency": g["InvoiceNo"].nunique(),
    "monetary": revenue_by("CustomerID"),
})
assert rfm.index.is_monotonic_increasing and len(rfm) == 4327
rfm = rfm_scores(rfm)

sample_ids = set(rfm.index[::100])
by_monetary = rfm.reset_index().sort_values(["monetary", "CustomerID"], ascending=[False, True],
                                            kind="mergesort")
by_recency = rfm.reset_index().sort_values(["recency", "CustomerID"], ascending=[False, True],
                                           kind="mergesort")
sample_ids |= set(by_monetary["CustomerID"].head(5)) | set(by_recency["CustomerID"].head(5))
sample = rfm.loc[sorted(sample_ids)].reset_index()
write_csv("online_retail_rfm_sample.csv", pd.DataFrame({
    "customer_id": sample["CustomerID"].astype(int),
    "recency": sample["recency"].astype(int),
    "frequency": sample["frequency"].astype(int),
    "monetary": sample["monetary"].map(fl),
    "r": sample["r"], "f": sample["f"], "m": sample["m"],
    "segment": sample["segment"],
}))

out = header("Golden values: RFM on the clean UCI Online Retail data (transactions).")
put = lambda key, value: out.append(f"{key} {value}")
put("customers", len(rfm))
put("reference_day", reference_day.strftime("%Y-%m-%d"))
put("sample_rows", len(sample))
put("total_monetary", fl(fsum(rfm["monetary"])))
out.append("# default scores: qcut(rank(method='first'), 5), ties broken by ascending CustomerID")
score_lines(rfm, put)
out.append("# shared ties: bin = ceil(5 * rank(method='min') / n); r = 6 - bin of the ascending "
           "recency rank")
for name in ("recency", "frequency", "monetary"):
    out.append(qcut_min_comment(rfm[name], name))
score_lines(rfm, put, prefix="shared.")
out.append("# grid: customers per (r, f, m), default scores, non-empty cells only")
grid = rfm.groupby(["r", "f", "m"]).size()
for (r, f_, m), n in grid.items():
    if n:
        put(f"grid.{r}.{f_}.{m}", int(n))
put("grid.nonempty_cells", int((grid > 0).sum()))
out.append("# segments (default scores): count, share of customers, means, share of monetary")
segment_lines(rfm, put)
out.append("# segments with shared-ties scores: counts only")
segment_lines(rfm, put, prefix="shared.", seg_col="shared_segment", summary=False)
write_lines("online_retail_rfm_summary.golden", out)

# ---- cohorts -----------------------------------------------------------------------------
k["period"] = k["month_idx"] - k["cohort_idx"]
last_month_idx = int(k["month_idx"].max())
first_month_idx = int(k["month_idx"].min())
sizes = k.groupby("CohortMonth")["CustomerID"].nunique()
last_period = k.groupby("CustomerID").agg(cohort=("CohortMonth", "first"),
                                          last=("period", "max"))
active = k.groupby(["CohortMonth", "period"])["CustomerID"].nunique()


def on_or_after(cohort, p):
    lp = last_period[last_period["cohort"] == cohort]["last"]
    return int((lp >= p).sum())


rows = []
for (cohort, p), n in active.sort_index().items():
    if n > 0:
        rows.append({"cohort": cohort, "period": int(p), "active_customers": int(n),
                     "cohort_size": int(sizes[cohort]), "retention": fl(n / sizes[cohort]),
                     "on_or_after_customers": on_or_after(cohort, p)})
write_csv("online_retail_cohorts.csv", pd.DataFrame(rows))
# First-purchase cohorts start inside the data: no unobserved cells (see the usage log), and
# none is left-censored (the data starts on 2010-12-01, the first day of its month).
assert all(month_index(pd.Series([c]))[0] >= first_month_idx for c in sizes.index)
assert k["day"].min() == pd.Timestamp("2010-12-01")
# The last month is partial (the data ends on 2011-12-09): its cells are left out of the
# averages.
last_day_k = k["day"].max()
last_month_partial = (last_day_k + pd.Timedelta(days=1)).month == last_day_k.month
assert last_month_partial
rows = []
for p in range(0, last_month_idx - first_month_idx + 1):
    act = size = oa = 0
    for cohort, s in sizes.items():
        month = month_index(pd.Series([cohort]))[0] + p
        if month < last_month_idx or (month == last_month_idx and not last_month_partial):
            act += int(active.get((cohort, p), 0))
            oa += on_or_after(cohort, p)
            size += int(s)
    rows.append({"period": p, "retention_weighted": fl(act / size) if size else "unobserved",
                 "retention_on_or_after_weighted": fl(oa / size) if size else "unobserved"})
write_csv("online_retail_cohort_average.csv", pd.DataFrame(rows))

# Cohort sizes: the old rule's cleaning golden lists them without netting; with netting the
# customers whose every purchase was cancelled are gone.
with open(os.path.join(HERE, "online_retail_cleaning.golden")) as f:
    plain_sizes = {line.split()[0].split(".", 1)[1]: int(line.split()[1]) for line in f
                   if line.startswith("customers_by_cohort.")}
assert sum(plain_sizes.values()) - sum(int(n) for n in sizes) == 4338 - 4327

# ---- pareto ------------------------------------------------------------------------------
out = header("Golden values: product and customer Pareto on the clean UCI Online Retail data.")
# Products: lines that are not products (postage, fees, adjustments) left out.
product_lines = k[retail_cleaning.is_product(k["StockCode"], k["Description"])]
products = revenue_by("StockCode", product_lines).reset_index().rename(
    columns={"amount": "revenue"})
products = products.sort_values(["revenue", "StockCode"], ascending=[False, True],
                                kind="mergesort")
customers = rfm.reset_index()[["CustomerID", "monetary"]].sort_values(
    ["monetary", "CustomerID"], ascending=[False, True], kind="mergesort")


def pareto_lines(prefix, values):
    values = values.tolist()
    n = len(values)
    total = math.fsum(values)
    put(f"{prefix}", n)
    put(f"{prefix}.top20_count", ceil_pct(n, 20))
    put(f"{prefix}.top20_revenue_share", fl(math.fsum(values[:ceil_pct(n, 20)]) / total))
    for pct in (10, 20, 50, 80):
        put(f"{prefix}.cum_share.{pct}.count", ceil_pct(n, pct))
        put(f"{prefix}.cum_share.{pct}", fl(math.fsum(values[:ceil_pct(n, pct)]) / total))


put("total_revenue", fl(TOTAL))
out.append("# products = distinct StockCode, ranked by revenue desc, ties by StockCode asc;")
out.append("# cum_share.P = revenue share of the first ceil(P*N/100) products")
pareto_lines("products", products["revenue"])
put("products.top1_stock_code", products["StockCode"].iloc[0])
put("products.top1_revenue", fl(products["revenue"].iloc[0]))
put("products.last_stock_code", products["StockCode"].iloc[-1])
out.append("# customers ranked by monetary desc, ties by CustomerID asc")
pareto_lines("customers", customers["monetary"])
put("customers.top1_customer_id", int(customers["CustomerID"].iloc[0]))
repeat = int((rfm["frequency"] >= 2).sum())
put("customers.repeat_purchase_customers", repeat)
put("customers.repeat_purchase_rate", fl(repeat / len(rfm)))
write_lines("online_retail_pareto.golden", out)

# ---- seasonality -------------------------------------------------------------------------
rows = []
for dim, key in (("month", k["InvoiceDate"].dt.month), ("weekday", k["InvoiceDate"].dt.dayofweek),
                 ("hour", k["InvoiceDate"].dt.hour)):
    frame = k.assign(key=key)
    rev = revenue_by("key", frame)
    orders = frame.groupby("key")["InvoiceNo"].nunique()
    for kk in sorted(rev.index):
        rows.append({"dimension": dim, "key": int(kk), "revenue": fl(rev[kk]),
                     "orders": int(orders[kk])})
write_csv("online_retail_seasonality.csv", pd.DataFrame(rows))
invoices_multi_hour = int((k.groupby("InvoiceNo")["InvoiceDate"].agg(
    lambda s: s.dt.hour.nunique()) > 1).sum())
invoices_multi_day = int((k.groupby("InvoiceNo")["day"].nunique() > 1).sum())
with open(os.path.join(HERE, "online_retail_pareto.golden"), "a") as f:
    f.write(f"# seasonality/monthly check: invoices spanning two months {invoices_multi_month}, "
            f"two days {invoices_multi_day}, two hours {invoices_multi_hour} "
            f"(each such invoice counts in every key it touches)\n")

# =========================================================================================
# Usage log
# =========================================================================================
u = pd.read_csv(USAGE)
u_raw_rows = len(u)
ev = pd.to_datetime(u["event_date"], format="%Y-%m-%d", errors="coerce")
su = pd.to_datetime(u["signup_date"], format="%Y-%m-%d", errors="coerce")
drops = {
    "duplicate": int(u.duplicated(keep="first").sum()),
    "missing_id": int(u["user_id"].isna().sum()),
    "invalid_date": int(ev.isna().sum()),
    "non_positive_events": int((u["events_count"] <= 0).sum()),
    "event_before_signup": int((ev < su).sum()),
}
assert sum(drops.values()) == 0, drops
u["day"] = ev
u["signup"] = su
u["month"] = u["day"].dt.strftime("%Y-%m")

out = header("Golden values: analytics on tests/golden/usage_small.csv")
out.append("# (growthlens generate --users 300 --seed 7; 300 generated users, those with rows count)")
put("rows", u_raw_rows)
put("users", u["user_id"].nunique())
put("total_events", int(u["events_count"].sum()))
first_day, last_day_u = u["day"].min(), u["day"].max()
put("first_day", first_day.strftime("%Y-%m-%d"))
put("last_day", last_day_u.strftime("%Y-%m-%d"))
n_users = u["user_id"].nunique()
feat = u.groupby("feature_name").agg(events=("events_count", "sum"), users=("user_id", "nunique"))
out.append("# features in name order")
for name, row in feat.sort_index().iterrows():
    put(f"feature.{name}.events", int(row["events"]))
    put(f"feature.{name}.users", int(row["users"]))
    put(f"feature.{name}.adoption", fl(row["users"] / n_users))

days = pd.date_range(first_day, last_day_u, freq="D")
dau = u.groupby("day")["user_id"].nunique().reindex(days, fill_value=0)
u["week"] = u["day"] - pd.to_timedelta(u["day"].dt.dayofweek, unit="D")
weeks = pd.date_range(first_day - pd.Timedelta(days=first_day.dayofweek),
                      last_day_u, freq="7D")
wau = u.groupby("week")["user_id"].nunique().reindex(weeks, fill_value=0)
months = pd.period_range(first_day, last_day_u, freq="M").strftime("%Y-%m")
mau = u.groupby("month")["user_id"].nunique().reindex(months, fill_value=0)
put("days", len(days))
put("weeks", len(weeks))
put("months", len(months))
put("active_days_with_activity", int((dau > 0).sum()))
put("average_dau", fl(dau.sum() / len(days)))
put("average_wau", fl(wau.sum() / len(weeks)))
put("average_mau", fl(mau.sum() / len(months)))
put("stickiness", fl((dau.sum() / len(days)) / (mau.sum() / len(months))))

ug = u.groupby("user_id")
u_ref = last_day_u + pd.Timedelta(days=1)
urfm = pd.DataFrame({
    "recency": (u_ref - ug["day"].max()).dt.days,
    "frequency": ug["day"].nunique(),
    "monetary": ug["events_count"].sum().astype(np.float64),
})
assert urfm.index.is_monotonic_increasing
urfm = rfm_scores(urfm)
put("rfm.reference_day", u_ref.strftime("%Y-%m-%d"))
put("rfm.users", len(urfm))
out.append("# default scores: qcut(rank(method='first'), 5), ties by ascending user_id")
score_lines(urfm, lambda key, v: put("rfm." + key, v))
out.append("# shared ties: ceil(5 * rank(method='min') / n); r = 6 - bin of ascending recency")
for name in ("recency", "frequency", "monetary"):
    out.append(qcut_min_comment(urfm[name], name))
score_lines(urfm, lambda key, v: put("rfm." + key, v), prefix="shared.")
segment_lines(urfm, lambda key, v: put("rfm." + key, v))
segment_lines(urfm, lambda key, v: put("rfm." + key, v), prefix="shared.",
              seg_col="shared_segment", summary=False)

out.append("# cohorts by signup month; a cell (cohort c, period n) is observed only if month c+n "
           "lies within [first, last] event month;")
out.append("# month-1 retention only for cohorts whose period 1 is observed; averages over the "
           "cohorts that started inside the data, at the periods they observe whole")
u["signup_month"] = u["signup"].dt.strftime("%Y-%m")
u["period"] = month_index(u["month"]) - month_index(u["signup_month"])
usizes = u.groupby("signup_month")["user_id"].nunique()
uactive = u.groupby(["signup_month", "period"])["user_id"].nunique()
assert (u.groupby("user_id")["signup_month"].nunique() == 1).all()  # one cohort per user
u_last_period = u.groupby("user_id").agg(cohort=("signup_month", "first"), last=("period", "max"))
u_first_month = int(month_index(u["month"]).min())
u_last_month = int(month_index(u["month"]).max())
ucohort_idx = {c: int(month_index(pd.Series([c]))[0]) for c in usizes.index}


def u_observed(cohort, p):
    return u_first_month <= ucohort_idx[cohort] + p <= u_last_month


u_first_day, u_last_day = u["day"].min(), u["day"].max()
# Months the data covers in part (it starts after the 1st, or ends before the month's end).
u_first_partial = u_first_day.day != 1
u_last_partial = (u_last_day + pd.Timedelta(days=1)).month == u_last_day.month


def u_left_censored(cohort):
    """The cohort's month starts before the first day of data."""
    return pd.Timestamp(cohort + "-01") < u_first_day


def u_in_average(cohort, p):
    month = ucohort_idx[cohort] + p
    partial = ((u_first_partial and month == u_first_month)
               or (u_last_partial and month == u_last_month))
    return not u_left_censored(cohort) and u_observed(cohort, p) and not partial


for cohort, s in usizes.sort_index().items():
    put(f"cohort.{cohort}.size", int(s))
    put(f"cohort.{cohort}.first_observed_period", max(0, u_first_month - ucohort_idx[cohort]))
    put(f"cohort.{cohort}.left_censored", int(u_left_censored(cohort)))
    if u_observed(cohort, 1):
        a = int(uactive.get((cohort, 1), 0))
        put(f"cohort.{cohort}.month1_active", a)
        put(f"cohort.{cohort}.month1_retention", fl(a / s))
put("cohort_average_users", int(sum(s for c, s in usizes.items() if not u_left_censored(c))))
for p in range(0, u_last_month - min(ucohort_idx.values()) + 1):
    act = oa = size = 0
    for cohort, s in usizes.items():
        if u_in_average(cohort, p):
            act += int(uactive.get((cohort, p), 0))
            lp = u_last_period[u_last_period["cohort"] == cohort]["last"]
            oa += int((lp >= p).sum())
            size += int(s)
    put(f"cohort_average.{p}", fl(act / size) if size else "unobserved")
    put(f"cohort_average_on_or_after.{p}", fl(oa / size) if size else "unobserved")
put("cohorts", len(usizes))
write_lines("usage_small.golden", out)

print("ok", file=sys.stderr)
