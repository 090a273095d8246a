#!/usr/bin/python3
"""The origin documents' pipeline in pandas + scikit-learn, written as its users write it.

    /usr/bin/python3 bench/compare/pandas_pipeline.py --usage USAGE.csv --retail RETAIL.csv \
        --out OUTDIR

Reads and cleans a feature-usage log and the Online Retail transactions, computes per-user RFM
(with 1-5 scores), feature totals and the daily series per feature, segments the users and the
customers with KMeans (log1p, standard scaling, k = 4, 10 initialisations) and a silhouette on
10,000 sampled rows, and writes the tables to OUTDIR. Stage timings (seconds, summed over both
files), counts and the KMeans metrics go to OUTDIR/timings.json. The job is defined in
bench/compare/README.md.
"""
import argparse
import json
import os
import sys
import time

import numpy as np
import pandas as pd
import sklearn
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from sklearn.preprocessing import StandardScaler

STAGES = ["read", "clean", "rfm", "features", "model", "write"]


class Stages:
    """Adds up the wall time of each stage over both files."""

    def __init__(self):
        self.seconds = {stage: 0.0 for stage in STAGES}

    def run(self, stage, what, work):
        start = time.perf_counter()
        result = work()
        elapsed = time.perf_counter() - start
        self.seconds[stage] += elapsed
        print(f"pandas: {stage} {what}: {elapsed:.2f} s", file=sys.stderr, flush=True)
        return result


def clean_usage(usage):
    usage = usage.drop_duplicates()
    usage = usage.dropna(subset=["user_id"])
    usage["signup_date"] = pd.to_datetime(usage["signup_date"], format="%Y-%m-%d", errors="coerce")
    usage["event_date"] = pd.to_datetime(usage["event_date"], format="%Y-%m-%d", errors="coerce")
    usage = usage.dropna(subset=["signup_date", "event_date"])
    usage = usage[usage["events_count"] > 0]
    usage = usage[usage["event_date"] >= usage["signup_date"]]
    return usage


def clean_retail(retail):
    retail = retail.drop_duplicates()
    retail = retail.dropna(subset=["CustomerID"])
    retail["InvoiceDate"] = pd.to_datetime(retail["InvoiceDate"], format="%Y-%m-%d %H:%M:%S",
                                           errors="coerce")
    retail = retail.dropna(subset=["InvoiceDate"])
    retail = retail[~retail["InvoiceNo"].astype(str).str.startswith("C")]
    retail = retail[(retail["Quantity"] > 0) & (retail["UnitPrice"] > 0)]
    return retail


def add_scores(rfm):
    rfm["r"] = pd.qcut(rfm["recency"].rank(method="first"), 5, labels=[5, 4, 3, 2, 1]).astype(int)
    rfm["f"] = pd.qcut(rfm["frequency"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5]).astype(int)
    rfm["m"] = pd.qcut(rfm["monetary"].rank(method="first"), 5, labels=[1, 2, 3, 4, 5]).astype(int)
    return rfm


def usage_rfm(usage):
    reference = usage["event_date"].max() + pd.Timedelta(days=1)
    rfm = usage.groupby("user_id").agg(last_day=("event_date", "max"),
                                       frequency=("event_date", "nunique"),
                                       monetary=("events_count", "sum"))
    rfm["recency"] = (reference - rfm["last_day"]).dt.days
    return add_scores(rfm[["recency", "frequency", "monetary"]])


def retail_rfm(retail):
    retail["day"] = retail["InvoiceDate"].dt.normalize()
    retail["amount"] = retail["Quantity"] * retail["UnitPrice"]
    reference = retail["day"].max() + pd.Timedelta(days=1)
    rfm = retail.groupby("CustomerID").agg(last_day=("day", "max"),
                                           frequency=("InvoiceNo", "nunique"),
                                           monetary=("amount", "sum"))
    rfm["recency"] = (reference - rfm["last_day"]).dt.days
    rfm.index = rfm.index.astype(int)
    return add_scores(rfm[["recency", "frequency", "monetary"]])


def feature_usage(usage):
    totals = usage.groupby("feature_name").agg(events=("events_count", "sum"),
                                               users=("user_id", "nunique"))
    daily = usage.groupby(["event_date", "feature_name"]).agg(events=("events_count", "sum"),
                                                             users=("user_id", "nunique"))
    return totals, daily


def segment(rfm):
    features = np.log1p(rfm[["recency", "frequency", "monetary"]])
    scaled = StandardScaler().fit_transform(features)
    kmeans = KMeans(n_clusters=4, n_init=10, random_state=0).fit(scaled)
    silhouette = silhouette_score(scaled, kmeans.labels_, sample_size=10000, random_state=0)
    rfm["cluster"] = kmeans.labels_
    return {"inertia": float(kmeans.inertia_), "silhouette": float(silhouette),
            "n_iter": int(kmeans.n_iter_), "rows": int(len(rfm))}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--usage", required=True, help="usage log CSV")
    parser.add_argument("--retail", required=True, help="Online Retail CSV")
    parser.add_argument("--out", required=True, help="directory for the tables and timings.json")
    args = parser.parse_args()
    for path in (args.usage, args.retail):
        if not os.path.isfile(path):
            sys.exit(f"pandas_pipeline.py: {path}: no such file")
    os.makedirs(args.out, exist_ok=True)
    stages = Stages()

    usage = stages.run("read", "usage log", lambda: pd.read_csv(args.usage))
    retail = stages.run("read", "Online Retail", lambda: pd.read_csv(args.retail))
    counts = {"usage_rows_in": len(usage), "retail_rows_in": len(retail)}

    usage = stages.run("clean", "usage log", lambda: clean_usage(usage))
    retail = stages.run("clean", "Online Retail", lambda: clean_retail(retail))
    counts.update(usage_rows_kept=len(usage), retail_rows_kept=len(retail))

    users = stages.run("rfm", "usage log", lambda: usage_rfm(usage))
    customers = stages.run("rfm", "Online Retail", lambda: retail_rfm(retail))
    counts.update(usage_users=len(users), retail_customers=len(customers))

    totals, daily = stages.run("features", "usage log", lambda: feature_usage(usage))

    usage_model = stages.run("model", "usage log", lambda: segment(users))
    retail_model = stages.run("model", "Online Retail", lambda: segment(customers))

    def write():
        users.to_csv(os.path.join(args.out, "usage_users.csv"), index_label="user_id")
        customers.to_csv(os.path.join(args.out, "retail_customers.csv"),
                         index_label="customer_id")
        totals.to_csv(os.path.join(args.out, "feature_totals.csv"), index_label="feature")
        daily.reset_index().rename(columns={"event_date": "day", "feature_name": "feature"}) \
            .to_csv(os.path.join(args.out, "feature_daily.csv"), index=False)

    stages.run("write", "tables", write)

    report = {"tool": "pandas + scikit-learn",
              "version": f"pandas {pd.__version__}, scikit-learn {sklearn.__version__}, "
                         f"numpy {np.__version__}",
              "stages": stages.seconds, "counts": counts,
              "kmeans": {"usage": usage_model, "retail": retail_model}}
    with open(os.path.join(args.out, "timings.json"), "w") as f:
        json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
