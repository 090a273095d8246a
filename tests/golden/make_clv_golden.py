#!/usr/bin/python3
"""Golden values for `growthlens clv` on the UCI Online Retail file: BG/NBD and Gamma-Gamma
fitted by maximum likelihood with scipy, independently of GrowthLens (formulas from the papers,
Fader, Hardie & Lee 2005 "Counting Your Customers the Easy Way" and "RFM and CLV", written as
the `lifetimes` package computes them; lifetimes itself is not in Debian).

Run (from the repo root; Debian's python3-pandas and python3-scipy):

    /usr/bin/python3 tests/golden/make_clv_golden.py > tests/golden/clv_online_retail.json

Optional: --bench prints only times, for bench/clv_vs_scipy.sh: the summary and both fits as
below, then the summary and one Nelder-Mead run per model as lifetimes does (tol 1e-7).

The BG/NBD MLE on a calibration period that ends before the last day of this file lies on the
boundary (a -> 0: nobody is seen to drop out), where the parameters are not identified, so the
models are fitted on the whole file (a = 0.003 there, interior) and the calibration split is
checked through its summary (frequency, recency, T and holdout purchases per customer).
"holdout_fit" is BG/NBD fitted on a calibration period alone (HOLDOUT_FIT_END, 2011-03-31, or
$CLV_HOLDOUT_FIT_END) with its holdout predictions: there too the supremum is at a -> 0 (every
end tried from 2011-03-31 to 2011-11-15 gives a below 1e-3), so r, alpha, the log-likelihood and
the predictions are pinned down while a and b are not (only a / b -> 0 is).

Data: the file cleaned by GrowthLens's default rules (retail_cleaning.py); each line is worth
Quantity x UnitPrice; a customer's purchases on one day are one purchase worth the day's total.
Calibration period: every day up to FIT_END (SPLIT_END); holdout: the days after it to the last day
of the data. Time unit: days. Per customer (first purchase in the calibration period):
  frequency  repeat purchase days in the calibration period (x)
  recency    days from the first to the last calibration purchase day (t_x)
  T          days from the first purchase day to the calibration end
  monetary   mean total of the repeat purchase days (0 when x = 0)
BG/NBD is fitted on every such customer; Gamma-Gamma on those with x > 0 and monetary > 0.
The optimiser: L-BFGS-B (numerical gradients) on log-parameters, then Nelder-Mead, restarted from its own result until the
log-likelihood stops improving. Standard errors: the inverse of minus the Hessian of the
log-likelihood on the natural scale, by central second differences of the log-likelihood.
Per customer: expected purchases in the next PERIOD days, P(alive), expected spend per purchase
(Gamma-Gamma's conditional mean) and CLV over HORIZON months of 30 days with a monthly discount
rate DISCOUNT (lifetimes' customer_lifetime_value: month i's expected purchases times the
expected spend, divided by (1 + DISCOUNT)^i). Deterministic.
"""
import json
import os
import sys
import time

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import gammaln, hyp2f1

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import retail_cleaning  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
FIT_END = "2011-12-09"  # the last day of the data: the model is fitted on all of it
SPLIT_END = "2011-09-30"  # the summary of a calibration/holdout split is checked too
HOLDOUT_FIT_END = os.environ.get("CLV_HOLDOUT_FIT_END", "2011-03-31")  # fitted on calibration
PERIOD = 90.0
HORIZON = 12
DISCOUNT = 0.01
DAYS_PER_MONTH = 30.0


def summarize(kept, calibration_end):
    day = kept["InvoiceDate"].dt.floor("D")
    days = pd.DataFrame({"customer": kept["CustomerID"].to_numpy(), "day": day.to_numpy(),
                         "amount": (kept["Quantity"] * kept["UnitPrice"]).to_numpy()})
    days = days.groupby(["customer", "day"], sort=True)["amount"].sum().reset_index()
    end = pd.Timestamp(calibration_end)
    last = days["day"].max()
    cal = days[days["day"] <= end]
    hold = days[days["day"] > end]
    g = cal.groupby("customer")
    first = g["day"].min()
    summary = pd.DataFrame({
        "frequency": g["day"].count() - 1,
        "recency": (g["day"].max() - first).dt.days.astype(float),
        "T": (end - first).dt.days.astype(float),
    })
    first_amount = cal.merge(first.rename("first"), left_on="customer", right_index=True)
    repeat = first_amount[first_amount["day"] > first_amount["first"]]
    summary["monetary"] = repeat.groupby("customer")["amount"].mean()
    summary["monetary"] = summary["monetary"].fillna(0.0)
    summary["holdout"] = hold.groupby("customer")["day"].count().reindex(summary.index).fillna(0)
    summary["frequency"] = summary["frequency"].astype(float)
    return summary, float((last - end).days)


def bgnbd_ll(theta, x, tx, T):
    r, alpha, a, b = theta
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x)
    a3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore"):
        a4 = np.where(x > 0, np.log(a) - np.log(np.maximum(b + x - 1, 1e-300))
                      - (r + x) * np.log(alpha + tx), -np.inf)
    return float(np.sum(a1 + a2 + np.logaddexp(a3, a4)))


def gg_ll(theta, x, m):
    p, q, v = theta
    return float(np.sum(gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * np.log(v)
                        + (p * x - 1) * np.log(m) + p * x * np.log(x)
                        - (p * x + q) * np.log(x * m + v)))


def fit(ll, start):
    def objective(u):
        value = ll(np.exp(u))
        return -value if np.isfinite(value) else np.inf
    u = minimize(objective, np.log(np.asarray(start, dtype=float)), method="L-BFGS-B").x
    best = objective(u)
    for _ in range(20):
        res = minimize(objective, u, method="Nelder-Mead",
                       options={"xatol": 1e-12, "fatol": 1e-13, "maxiter": 40000,
                                "maxfev": 40000})
        improved = best - res.fun
        u, best = res.x, res.fun
        if improved < 1e-11:
            break
    return np.exp(u), -best


def std_errors(ll, theta):
    n = len(theta)
    h = 1e-4 * theta
    hess = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            def at(di, dj):
                t = theta.copy()
                t[i] += di * h[i]
                t[j] += dj * h[j]
                return ll(t)
            hess[i, j] = (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * h[i] * h[j])
    return np.sqrt(np.diag(np.linalg.inv(-hess)))


def expected_purchases(theta, t, x, tx, T):
    r, alpha, a, b = theta
    term = (a + b + x - 1) / (a - 1)
    z = t / (alpha + T + t)
    bracket = 1 - hyp2f1(r + x, b + x, a + b + x - 1, z) * ((alpha + T) / (alpha + T + t)) ** (r + x)
    dropout = np.where(x > 0, a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x), 0.0)
    return term * bracket / (1 + dropout)


def p_alive(theta, x, tx, T):
    r, alpha, a, b = theta
    return np.where(x > 0, 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + tx)) ** (r + x)), 1.0)


def expected_spend(theta, x, m):
    p, q, v = theta
    weight = p * x / (p * x + q - 1)
    return (1 - weight) * p * v / (q - 1) + weight * m


def holdout_fit(kept, end):
    """BG/NBD fitted on the calibration period up to `end` alone, and its predictions over the
    holdout (the days after `end` to the last day): per customer expected purchases and P(alive)
    at the calibration end, and the holdout table's predicted totals by calibration frequency
    0..6 and 7+."""
    s, holdout_days = summarize(kept, end)
    x, tx, T = (s[c].to_numpy() for c in ("frequency", "recency", "T"))
    bg, ll = fit(lambda th: bgnbd_ll(th, x, tx, T), [1.0, max(1.0, T.mean()), 1.0, 1.0])
    se = std_errors(lambda th: bgnbd_ll(th, x, tx, T), bg)
    predicted = expected_purchases(bg, holdout_days, x, tx, T)
    bucket = np.minimum(x, 7).astype(int)
    return {
        "calibration_end": end, "holdout_days": holdout_days,
        "bgnbd": {"r": bg[0], "alpha": bg[1], "a": bg[2], "b": bg[3],
                  "se": list(map(float, se)), "log_likelihood": ll},
        "id": [str(c) for c in s.index],
        "holdout_predicted": [float(f"{v:.12g}") for v in predicted],
        "p_alive": [float(f"{v:.12g}") for v in p_alive(bg, x, tx, T)],
        "table_predicted": [float(predicted[bucket == k].sum()) for k in range(8)],
        "table_actual": [float(s["holdout"].to_numpy()[bucket == k].sum()) for k in range(8)],
    }


def main():
    bench = "--bench" in sys.argv
    df, raw, _ = retail_cleaning.read(os.path.join(REPO, "tests", "data", "online_retail.csv.xz"))
    _, kept, _, _ = retail_cleaning.clean(df, raw, net_cancellations=True)
    started = time.perf_counter()
    s, _ = summarize(kept, FIT_END)
    x, tx, T, m = (s[c].to_numpy() for c in ("frequency", "recency", "T", "monetary"))
    bg, bg_ll = fit(lambda th: bgnbd_ll(th, x, tx, T), [1.0, max(1.0, T.mean()), 1.0, 1.0])
    spenders = (x > 0) & (m > 0)
    xs, ms = x[spenders], m[spenders]
    gg, gg_value = fit(lambda th: gg_ll(th, xs, ms), [1.0, 1.0, ms.mean()])
    seconds = time.perf_counter() - started
    if bench:
        # Also one Nelder-Mead run per model as lifetimes' fitters do (tol=1e-7, at most 2000
        # iterations): what a user of lifetimes would wait for, less precise than the golden.
        started = time.perf_counter()
        s2, _ = summarize(kept, FIT_END)
        x2, tx2, T2, m2 = (s2[c].to_numpy() for c in ("frequency", "recency", "T", "monetary"))
        for ll, start in ((lambda th: bgnbd_ll(th, x2, tx2, T2), [1.0, 1.0, 1.0, 1.0]),
                          (lambda th: gg_ll(th, x2[(x2 > 0) & (m2 > 0)], m2[(x2 > 0) & (m2 > 0)]),
                           [1.0, 1.0, 1.0])):
            minimize(lambda u: -ll(np.exp(u)) if np.isfinite(ll(np.exp(u))) else np.inf,
                     np.log(start), method="Nelder-Mead", tol=1e-7, options={"maxiter": 2000})
        print(f"{seconds:.4f} {time.perf_counter() - started:.4f}")
        return
    bg_se = std_errors(lambda th: bgnbd_ll(th, x, tx, T), bg)
    gg_se = std_errors(lambda th: gg_ll(th, xs, ms), gg)

    purchases = expected_purchases(bg, PERIOD, x, tx, T)
    alive = p_alive(bg, x, tx, T)
    spend = expected_spend(gg, x, m)
    clv = np.zeros(len(x))
    for i in range(1, HORIZON + 1):
        month = (expected_purchases(bg, i * DAYS_PER_MONTH, x, tx, T)
                 - expected_purchases(bg, (i - 1) * DAYS_PER_MONTH, x, tx, T))
        clv += spend * month / (1 + DISCOUNT) ** i
    split, split_holdout = summarize(kept, SPLIT_END)
    out = {
        "calibration_end": FIT_END,
        "period": PERIOD, "horizon_months": HORIZON, "discount_rate": DISCOUNT,
        "bgnbd": {"r": bg[0], "alpha": bg[1], "a": bg[2], "b": bg[3],
                  "se": list(map(float, bg_se)), "log_likelihood": bg_ll},
        "gamma_gamma": {"p": gg[0], "q": gg[1], "gamma": gg[2],
                        "se": list(map(float, gg_se)), "log_likelihood": gg_value,
                        "customers": int(spenders.sum())},
        "split": {
            "calibration_end": SPLIT_END, "holdout_days": split_holdout,
            "id": [str(c) for c in split.index], "frequency": split["frequency"].tolist(),
            "recency": split["recency"].tolist(), "T": split["T"].tolist(),
            "monetary": [float(f"{v:.12g}") for v in split["monetary"]],
            "holdout": split["holdout"].astype(int).tolist(),
        },
        "customers": {
            "id": [str(c) for c in s.index], "frequency": x.tolist(), "recency": tx.tolist(),
            "T": T.tolist(), "monetary": [float(f"{v:.12g}") for v in m],
            "expected_purchases": [float(f"{v:.12g}") for v in purchases],
            "p_alive": [float(f"{v:.12g}") for v in alive],
            "expected_spend": [float(f"{v:.12g}") for v in spend],
            "clv": [float(f"{v:.12g}") for v in clv],
        },
    }
    out["holdout_fit"] = holdout_fit(kept, HOLDOUT_FIT_END)
    json.dump(out, sys.stdout, indent=None, separators=(",", ":"))
    print()


if __name__ == "__main__":
    main()
