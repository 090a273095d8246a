#!/usr/bin/python3
"""scikit-learn's side of bench/compare/churn_vs_sklearn.sh: the same training as
`growthlens churn train` on the feature tables it exported (--export-table PREFIX).

    /usr/bin/python3 bench/compare/sklearn_churn.py PREFIX

Times (wall clock, and CPU seconds of every thread) reading the two CSVs, then fitting and scoring on validation
HistGradientBoostingClassifier(max_depth=4, learning_rate=0.05, max_iter=100, early_stopping=False)
(the trees GrowthLens fits with XGBoost: 100 rounds, depth 4, eta 0.05) and LogisticRegression(C=1)
on GrowthLens's baseline transform (sign(x) log1p|x|, standardised); prints seconds and ROC AUC.
"""

import sys
import time

import numpy as np
import pandas as pd
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import roc_auc_score

prefix = sys.argv[1]
start = time.perf_counter()
train = pd.read_csv(f"{prefix}_train.csv", dtype={"user_id": str})
valid = pd.read_csv(f"{prefix}_validation.csv", dtype={"user_id": str})
x_train = train.drop(columns=["user_id", "churned"]).to_numpy(dtype=float)
y_train = train["churned"].to_numpy()
x_valid = valid.drop(columns=["user_id", "churned"]).to_numpy(dtype=float)
y_valid = valid["churned"].to_numpy()
read = time.perf_counter() - start

start, cpu_start = time.perf_counter(), time.process_time()
hgb = HistGradientBoostingClassifier(max_depth=4, learning_rate=0.05, max_iter=100,
                                     early_stopping=False, random_state=0).fit(x_train, y_train)
hgb_fit, hgb_cpu = time.perf_counter() - start, time.process_time() - cpu_start
hgb_auc = roc_auc_score(y_valid, hgb.predict_proba(x_valid)[:, 1])

start, cpu_start = time.perf_counter(), time.process_time()
t_train = np.sign(x_train) * np.log1p(np.abs(x_train))
t_valid = np.sign(x_valid) * np.log1p(np.abs(x_valid))
mean, std = t_train.mean(axis=0), t_train.std(axis=0)
std[std <= 1e-12] = 1.0
logistic = LogisticRegression(C=1.0, max_iter=1000).fit((t_train - mean) / std, y_train)
logistic_fit, logistic_cpu = time.perf_counter() - start, time.process_time() - cpu_start
logistic_auc = roc_auc_score(y_valid, logistic.predict_proba((t_valid - mean) / std)[:, 1])

print(f"  sklearn: read tables {read:.2f} s ({len(y_train):,} + {len(y_valid):,} users)")
print(f"  sklearn: HistGradientBoosting fit {hgb_fit:.2f} s ({hgb_cpu:.2f} s CPU), validation ROC AUC {hgb_auc:.4f}")
print(f"  sklearn: LogisticRegression fit {logistic_fit:.2f} s ({logistic_cpu:.2f} s CPU), validation ROC AUC {logistic_auc:.4f}")
print(f"  sklearn: training total {hgb_fit + logistic_fit:.2f} s "
      f"({hgb_cpu + logistic_cpu:.2f} s CPU, every thread)")
