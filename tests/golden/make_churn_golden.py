#!/usr/bin/python3
"""Golden churn models (issue 21.1), trained with scikit-learn on GrowthLens's feature tables.

Independent reference (not GrowthLens) for tests/churn_golden_test.cc. Run from the repo root
(Debian's python3-sklearn 1.2.1, python3-pandas 1.5.3, python 3.11.2):

    /usr/bin/python3 tests/golden/make_churn_golden.py

Inputs: the feature tables `growthlens churn train --export-table PREFIX` writes (user_id, one
column per feature, churned), committed xz-compressed:
  tests/golden/churn_usage_{train,validation}.csv.xz   a generated usage log:
      growthlens generate --order user --users 3000 --seed 7 --output usage.csv
      growthlens churn train usage.csv --export-table churn_usage
      (train cutoff 2025-11-01, validation cutoff 2025-12-02: the defaults, horizon 30 days,
       users active in the 90 days before a cutoff)
  tests/golden/churn_retail_{train,validation}.csv.xz  Online Retail (tests/data/online_retail.csv.xz):
      growthlens churn train online_retail.csv --export-table churn_retail
      (train cutoff 2011-10-11, validation cutoff 2011-11-10)
The C++ test rebuilds both tables and checks them against these files first, so the models here
and there learn from the same numbers.

Models, fitted on the train table, scored on the validation table:
  * HistGradientBoostingClassifier(random_state=0) (defaults: 100 iterations, lr 0.1, 31 leaves).
  * LogisticRegression(C=1, newton-cholesky, tol 1e-12) on GrowthLens's baseline transform:
    each feature sign(x) * log1p(|x|), then standardised with the train table's mean and
    population standard deviation (a constant column divided by 1).

Writes tests/golden/churn_sklearn.golden ("key value" lines):
  <data>_hgb_auc, <data>_logistic_auc        ROC AUC on validation (roc_auc_score)
  <data>_best_auc                            the larger of the two
  <data>_logistic_coef, <data>_logistic_intercept  the logistic fit (GrowthLens must agree to 1e-4)
  metrics_*                                  sklearn's metrics on tests/golden/churn_metric_scores.csv
and tests/golden/churn_metric_scores.csv: 400 (score, label) rows with ties (scores rounded to
two decimals), drawn with numpy's default_rng(21): roc_auc_score, average_precision_score,
brier_score_loss and log_loss on them are the oracle of the metric unit test (tolerance 1e-12).
"""

import os

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import (average_precision_score, brier_score_loss, log_loss,
                             roc_auc_score)

HERE = os.path.dirname(os.path.abspath(__file__))


def read(name):
    frame = pd.read_csv(os.path.join(HERE, name), dtype={"user_id": str})
    y = frame["churned"].to_numpy()
    x = frame.drop(columns=["user_id", "churned"]).to_numpy(dtype=float)
    return x, y


def baseline_transform(train, other):
    t_train = np.sign(train) * np.log1p(np.abs(train))
    t_other = np.sign(other) * np.log1p(np.abs(other))
    mean = t_train.mean(axis=0)
    std = t_train.std(axis=0)
    std[std <= 1e-12] = 1.0
    return (t_train - mean) / std, (t_other - mean) / std


out = ["# Golden values: scikit-learn on GrowthLens's churn feature tables",
       "# (tests/golden/make_churn_golden.py)"]
for data in ("usage", "retail"):
    x_train, y_train = read(f"churn_{data}_train.csv.xz")
    x_valid, y_valid = read(f"churn_{data}_validation.csv.xz")
    hgb = HistGradientBoostingClassifier(random_state=0).fit(x_train, y_train)
    hgb_auc = roc_auc_score(y_valid, hgb.predict_proba(x_valid)[:, 1])
    z_train, z_valid = baseline_transform(x_train, x_valid)
    logistic = LogisticRegression(C=1.0, solver="newton-cholesky", max_iter=1000,
                                  tol=1e-12).fit(z_train, y_train)
    logistic_auc = roc_auc_score(y_valid, logistic.predict_proba(z_valid)[:, 1])
    out.append(f"{data}_train_rows {len(y_train)}")
    out.append(f"{data}_validation_rows {len(y_valid)}")
    out.append(f"{data}_hgb_auc {hgb_auc:.17g}")
    out.append(f"{data}_logistic_auc {logistic_auc:.17g}")
    out.append(f"{data}_best_auc {max(hgb_auc, logistic_auc):.17g}")
    out.append(f"{data}_logistic_coef " + " ".join(f"{c:.17g}" for c in logistic.coef_[0]))
    out.append(f"{data}_logistic_intercept {logistic.intercept_[0]:.17g}")

rng = np.random.default_rng(21)
labels = rng.integers(0, 2, 400)
scores = np.clip(np.round(0.3 * labels + rng.uniform(0, 0.7, 400), 2), 0.0, 1.0)
scores[:5] = [0.0, 1.0, 0.0, 1.0, 0.5]  # the clipped ends of log loss
pd.DataFrame({"score": scores, "label": labels}).to_csv(
    os.path.join(HERE, "churn_metric_scores.csv"), index=False, float_format="%.2f")
out.append(f"metrics_roc_auc {roc_auc_score(labels, scores):.17g}")
out.append(f"metrics_pr_auc {average_precision_score(labels, scores):.17g}")
out.append(f"metrics_brier {brier_score_loss(labels, scores):.17g}")
out.append(f"metrics_log_loss {log_loss(labels, np.clip(scores, 1e-15, 1 - 1e-15)):.17g}")

with open(os.path.join(HERE, "churn_sklearn.golden"), "w") as f:
    f.write("\n".join(out) + "\n")
print("\n".join(out[:20]))
