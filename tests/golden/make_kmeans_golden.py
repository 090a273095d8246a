#!/usr/bin/python3
"""Golden values for the ML layer (src/ml/): KMeans, cluster metrics and the RFM transform,
computed with scikit-learn, independent of GrowthLens, for tests/kmeans_test.cc and
tests/cluster_metrics_test.cc.

HOW TO RUN (from the repo root; Debian's python3-sklearn: scikit-learn 1.2.1, numpy 1.24.2,
pandas 1.5.3, python 3.11.2):

    /usr/bin/python3 tests/golden/make_kmeans_golden.py [path/to/online_retail.csv.xz]

(default input: tests/data/online_retail.csv.xz). Fully
deterministic: fixed seeds, no dates of the run in any output; rerunning rewrites the same bytes.
Takes about a minute (the Online Retail file and 5 x n_init=10 fits).

WRITES into tests/golden/ (each file well under 200 KB):
  kmeans_points.csv        2,000 x 4 points: 5 Gaussian blobs (1,900 points) plus 100 uniform
                           noise points, shuffled; columns x0..x3 ("%.17g", so they parse to the
                           exact doubles sklearn saw) and true_label (blob 0..4, noise 5).
  kmeans_init.csv          fixed initial centres: columns case,x0..x3; case k5 = points rows
                           0..4, case k8 = rows 5..12 (so the C++ test can also take them from
                           kmeans_points.csv).
  kmeans_labels.csv        sklearn's labels_ per point for each case below (columns = cases).
  kmeans_points.golden     per case: inertia, n_iter, centres; then the metrics (below).
  kmeans_rfm.golden        Online Retail RFM: the fitted transform, KMeans inertia for k=2..6,
                           metrics of sklearn's k=4 labels.
  kmeans_rfm_k4_labels.csv sklearn's labels for k=4 on the scaled RFM table, in ascending
                           CustomerID order.

KMEANS CASES on kmeans_points.csv (all KMeans(n_clusters=k, init=<centres>, n_init=1,
algorithm="lloyd"), defaults otherwise: max_iter=300, tol=1e-4):
  k5            init = rows 0..4
  k8            init = rows 5..12
  k5_maxiter3   init = rows 0..4, max_iter=3 (stops unconverged: sklearn then relabels with the
                final centres; the C++ must do the same)
  k5_tol0       init = rows 0..4, tol=0 (runs to strict convergence: labels stop changing)
  k8_tol1e-2    init = rows 5..12, tol=1e-2 (stops on the centre shift after 14 iterations;
                k5 stops strictly, k8 on the shift with the default tol)
  Each case is also fitted with algorithm="elkan" and asserted to give the same labels.
  For every case: inertia (repr), n_iter, centre.<j> = the 4 coordinates of cluster_centers_[j].
  Assert in the script: no empty cluster ever occurs in these cases (sklearn's tie order for
  relocating empty clusters is unspecified, so they would not make a fair golden).

METRICS (sklearn.metrics, Euclidean) on kmeans_points.csv, written to kmeans_points.golden:
  <labels>.silhouette, .davies_bouldin, .calinski_harabasz for labels = k5 (the k5 case's
  labels), k8, true (true_label, 6 clusters), singleton (the k5 labels with row 0 moved to a new
  label 7: a cluster of one, whose silhouette sklearn sets to 0), negative (k5 labels mapped
  l -> -3*l + 7: arbitrary integer labels are re-encoded).
  silhouette_sample.<i> for rows i = 0..9 with the k5 labels (silhouette_samples).
  ari.k5_true = adjusted_rand_score(true_label, k5), ari.k5_k8, ari.true_true (= 1),
  ari.k5_maxiter3.

ONLINE RETAIL RFM (kmeans_rfm.golden):
  * Cleaned with the default rules as make_analytics_golden.py (retail_cleaning.py: duplicates
    over all 8 parsed columns keep first, missing CustomerID, invalid date, InvoiceNo starting
    with "C", Quantity <= 0, UnitPrice <= 0, netting of cancelled orders); 389,870 rows, 4,327
    customers.
  * RFM as there: reference day = last day + 1 = 2011-12-10; recency = days since the last
    purchase day, frequency = distinct InvoiceNo, monetary = fsum of Quantity * UnitPrice;
    rows in ascending CustomerID.
  * Features [recency, frequency, monetary] -> numpy.log1p -> StandardScaler() (population
    std): transform.mean.<j>, transform.scale.<j>; z.<row>.<j> for rows 0, 1, 2, 1000, 4326.
  * For k = 2..6: KMeans(n_clusters=k, n_init=10, random_state=0) (k-means++, lloyd):
    kmeans.<k>.inertia, kmeans.<k>.n_iter. The C++ k-means++ uses other random draws, so the
    test asks for an inertia within 0.1% of these, not equality.
  * k4.silhouette, k4.davies_bouldin, k4.calinski_harabasz of sklearn's k=4 labels on the scaled
    table (labels in kmeans_rfm_k4_labels.csv): the C++ metrics on the C++ transform of the C++
    RFM table must match to 1e-9 relative.

Floats are written with repr() (shortest round-trip) unless stated otherwise.
"""
import math
import os
import sys
import warnings

import numpy as np
import pandas as pd
import sklearn
from sklearn.cluster import KMeans
from sklearn.datasets import make_blobs
from sklearn.metrics import (adjusted_rand_score, calinski_harabasz_score,
                             davies_bouldin_score, silhouette_samples, silhouette_score)
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
RETAIL = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    REPO, "tests", "data", "online_retail.csv.xz")

assert sklearn.__version__ == "1.2.1", sklearn.__version__
MAX_FILE_BYTES = 200_000


def fl(x):
    return repr(float(x))


def header(title):
    return [f"# {title}",
            "# Source: tests/golden/make_kmeans_golden.py (scikit-learn, independent of "
            "GrowthLens);",
            "# definitions and every choice are in that script's header.",
            f"# scikit-learn {sklearn.__version__}, pandas {pd.__version__}, "
            f"numpy {np.__version__}, python {sys.version.split()[0]}"]


def write_text(name, text):
    path = os.path.join(HERE, name)
    with open(path, "w", newline="\n") as f:
        f.write(text)
    size = os.path.getsize(path)
    assert size < MAX_FILE_BYTES, (name, size)


def write_lines(name, lines):
    write_text(name, "\n".join(lines) + "\n")


# =========================================================================================
# Points: 5 blobs plus uniform noise
# =========================================================================================
blobs, blob_labels = make_blobs(n_samples=1900, n_features=4, centers=5,
                                cluster_std=[0.6, 0.9, 1.2, 0.8, 1.5], center_box=(-8, 8),
                                random_state=7)
noise_rng = np.random.RandomState(11)
low, high = blobs.min(axis=0), blobs.max(axis=0)
noise = noise_rng.uniform(low, high, size=(100, 4))
X = np.vstack([blobs, noise])
true_label = np.concatenate([blob_labels, np.full(100, 5)]).astype(np.int64)
shuffle = np.random.RandomState(3).permutation(len(X))
X = np.ascontiguousarray(X[shuffle])
true_label = true_label[shuffle]
assert X.shape == (2000, 4)

lines = ["x0,x1,x2,x3,true_label"]
for row, label in zip(X, true_label):
    lines.append(",".join("%.17g" % v for v in row) + f",{label}")
write_lines("kmeans_points.csv", lines)
# What the C++ test reads back is bit-identical to X.
check = pd.read_csv(os.path.join(HERE, "kmeans_points.csv"), float_precision="round_trip")
assert (check[["x0", "x1", "x2", "x3"]].to_numpy() == X).all()

INITS = {"k5": X[0:5].copy(), "k8": X[5:13].copy()}
lines = ["case,x0,x1,x2,x3"]
for case, centres in INITS.items():
    for centre in centres:
        lines.append(case + "," + ",".join("%.17g" % v for v in centre))
write_lines("kmeans_init.csv", lines)

CASES = {
    "k5": dict(init="k5"),
    "k8": dict(init="k8"),
    "k5_maxiter3": dict(init="k5", max_iter=3),
    "k5_tol0": dict(init="k5", tol=0.0),
    "k8_tol1e-2": dict(init="k8", tol=1e-2),
}

out = header("Golden values: KMeans from fixed centres and cluster metrics on "
             "kmeans_points.csv.")
put = lambda key, value: out.append(f"{key} {value}")
fitted = {}
for case, spec in CASES.items():
    centres = INITS[spec["init"]]
    params = dict(n_clusters=len(centres), init=centres, n_init=1,
                  max_iter=spec.get("max_iter", 300), tol=spec.get("tol", 1e-4))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a ConvergenceWarning would mean an empty cluster
        model = KMeans(algorithm="lloyd", **params).fit(X)
    elkan = KMeans(algorithm="elkan", **params).fit(X)
    assert (elkan.labels_ == model.labels_).all(), case
    assert len(set(model.labels_)) == len(centres), case
    fitted[case] = model
    out.append(f"# case {case}: KMeans({params['n_clusters']}, init=<{spec['init']}>, n_init=1, "
               f"max_iter={params['max_iter']}, tol={params['tol']}, algorithm='lloyd')")
    put(f"{case}.inertia", fl(model.inertia_))
    put(f"{case}.n_iter", int(model.n_iter_))
    for j, centre in enumerate(model.cluster_centers_):
        put(f"{case}.centre.{j}", " ".join(fl(v) for v in centre))
# No empty cluster on the way: rerun the iterations by hand and check every cluster keeps rows.
for case, spec in CASES.items():
    centres = INITS[spec["init"]].copy()
    for _ in range(fitted[case].n_iter_):
        d = ((X[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
        lab = d.argmin(axis=1)
        assert len(set(lab)) == len(centres), case
        centres = np.array([X[lab == j].mean(axis=0) for j in range(len(centres))])

labels_frame = pd.DataFrame({case: fitted[case].labels_ for case in CASES})
labels_frame.to_csv(os.path.join(HERE, "kmeans_labels.csv"), index=False, lineterminator="\n")

k5 = fitted["k5"].labels_
singleton = k5.copy()
singleton[0] = 7
LABELS = {
    "k5": k5,
    "k8": fitted["k8"].labels_,
    "true": true_label,
    "singleton": singleton,
    "negative": -3 * k5 + 7,
}
out.append("# metrics: sklearn.metrics silhouette_score, davies_bouldin_score, "
           "calinski_harabasz_score")
for name, labels in LABELS.items():
    put(f"{name}.silhouette", fl(silhouette_score(X, labels)))
    put(f"{name}.davies_bouldin", fl(davies_bouldin_score(X, labels)))
    put(f"{name}.calinski_harabasz", fl(calinski_harabasz_score(X, labels)))
samples = silhouette_samples(X, k5)
assert samples[0] != 0
for i in range(10):
    put(f"silhouette_sample.{i}", fl(samples[i]))
assert silhouette_samples(X, singleton)[0] == 0.0
out.append("# adjusted_rand_score(labels_true, labels_pred)")
put("ari.k5_true", fl(adjusted_rand_score(true_label, k5)))
put("ari.k5_k8", fl(adjusted_rand_score(k5, fitted["k8"].labels_)))
put("ari.true_true", fl(adjusted_rand_score(true_label, true_label)))
put("ari.k5_maxiter3", fl(adjusted_rand_score(k5, fitted["k5_maxiter3"].labels_)))
write_lines("kmeans_points.golden", out)

# =========================================================================================
# Online Retail: load and clean with the default rules, netting included (retail_cleaning.py)
# =========================================================================================
sys.path.insert(0, HERE)
import retail_cleaning  # noqa: E402

df, raw, _ = retail_cleaning.read(RETAIL)
_, k, _, _ = retail_cleaning.clean(df, raw, net_cancellations=True)
assert len(k) == 389870
k["amount"] = k["Quantity"] * k["UnitPrice"]
k["day"] = k["InvoiceDate"].dt.normalize()

reference_day = k["day"].max() + pd.Timedelta(days=1)
assert reference_day == pd.Timestamp("2011-12-10")
g = k.groupby("CustomerID")
rfm = pd.DataFrame({
    "recency": (reference_day - g["day"].max()).dt.days,
    "frequency": g["InvoiceNo"].nunique(),
    "monetary": g["amount"].agg(lambda values: math.fsum(values.tolist())),
})
assert rfm.index.is_monotonic_increasing and len(rfm) == 4327

features = rfm[["recency", "frequency", "monetary"]].to_numpy(dtype=np.float64)
scaler = StandardScaler().fit(np.log1p(features))
Z = scaler.transform(np.log1p(features))

out = header("Golden values: KMeans on the log1p + StandardScaler RFM table of the clean UCI "
             "Online Retail data.")
put = lambda key, value: out.append(f"{key} {value}")
put("customers", len(rfm))
out.append("# features: recency, frequency, monetary -> numpy.log1p -> StandardScaler()")
for j in range(3):
    put(f"transform.mean.{j}", fl(scaler.mean_[j]))
    put(f"transform.scale.{j}", fl(scaler.scale_[j]))
for row in (0, 1, 2, 1000, 4326):
    for j in range(3):
        put(f"z.{row}.{j}", fl(Z[row, j]))
out.append("# KMeans(n_clusters=k, n_init=10, random_state=0) on the scaled table")
rfm_fits = {}
for n_clusters in range(2, 7):
    model = KMeans(n_clusters=n_clusters, n_init=10, random_state=0).fit(Z)
    rfm_fits[n_clusters] = model
    put(f"kmeans.{n_clusters}.inertia", fl(model.inertia_))
    put(f"kmeans.{n_clusters}.n_iter", int(model.n_iter_))
labels4 = rfm_fits[4].labels_
out.append("# metrics of sklearn's k=4 labels (kmeans_rfm_k4_labels.csv) on the scaled table")
put("k4.silhouette", fl(silhouette_score(Z, labels4)))
put("k4.davies_bouldin", fl(davies_bouldin_score(Z, labels4)))
put("k4.calinski_harabasz", fl(calinski_harabasz_score(Z, labels4)))
write_lines("kmeans_rfm.golden", out)
write_lines("kmeans_rfm_k4_labels.csv",
            ["customer_id,label"] + [f"{cid},{lab}" for cid, lab in zip(rfm.index, labels4)])

print("ok", file=sys.stderr)
