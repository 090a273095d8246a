#!/usr/bin/python3
"""Golden values for `growthlens experiment analyze` on one row per user (CUPED, winsorising,
sequential intervals, ratio metrics, corrections), computed with numpy and scipy, independent
of GrowthLens, for tests/experiment_per_user_test.cc.

HOW TO RUN (from the repo root; Debian packages: numpy 1.24.2, scipy 1.10.1, pandas 1.5.3,
python 3.11.2):

    /usr/bin/python3 tests/golden/make_experiment_golden.py [path/to/data/folder]

(default data folder: tests/data; the .xz file is read with
Python's lzma). Deterministic: rerunning rewrites the same bytes. Takes a few seconds.

WRITES into tests/golden/ (numbers printed with "%.17g"):
  experiment_users.csv      a small synthetic per-user experiment (numpy seed 20261124): 1,500
                            users in three arms (control, treatment_a, treatment_b) with
                            user_id, variant, converted (0/1), revenue, orders and pre_revenue
                            (the same user's revenue before the test, correlated with revenue,
                            as CUPED needs). treatment_a lifts revenue by about 8%.
  experiment_per_user.golden key-value lines, below.

CONVENTIONS (the ones GrowthLens documents in docs/ANALYTICS.md, recomputed here from the raw
values, not from GrowthLens' sums):
  - Welch: scipy.stats.ttest_ind(treatment, control, equal_var=False) gives t and p; the
    interval is d -/+ t.ppf(1 - alpha/2, dof) se with the Welch-Satterthwaite dof.
  - Relative lift (GrowthBook's delta method): (m_t - m_c) / m_c with
    se^2 = v_t / (n_t m_c^2) + m_t^2 v_c / (n_c m_c^4), same dof (normal for rates).
  - CUPED (Deng et al. 2013, GrowthBook): theta = cov(x, y) / var(x) over all users pooled
    (ddof 1); adjusted value y - theta (x - mean_x_pooled); each arm's adjusted mean and variance
    (ddof 1) are those of the adjusted values; compared with Welch t. variance_reduction =
    1 - se_adjusted^2 / se_unadjusted^2 of the absolute lift (unadjusted rates: p (1 - p) / n).
  - Winsorising: cap = numpy.percentile(all arms pooled, 100 q) with numpy's default method
    'linear' (linear interpolation between order statistics, position q (n - 1)); values above
    the cap are set to it (no lower cap); 0/1 columns are left alone.
  - Sequential: Howard et al. (2021) normal-mixture confidence sequence with
    rho^2 = (-2 ln alpha + ln(-2 ln alpha + 1)) / N*, N = n_c + n_t,
    half-width = se sqrt(N) sqrt(2 (N rho^2 + 1) / (N^2 rho^2) ln(sqrt(N rho^2 + 1) / alpha)),
    always-valid p = min(1, sqrt(N rho^2 + 1) exp(-z^2 N rho^2 / (2 (N rho^2 + 1)))).
  - Ratio metric (revenue per order): per arm mean = sum(revenue) / sum(orders); per-user
    variance by the delta method var_m / mu_d^2 + var_d mu_m^2 / mu_d^4 - 2 cov mu_m / mu_d^3
    (ddof 1), n = users; then compared as a mean (Welch).
  - Holm and BH: statsmodels multipletests over the goal metrics' relative-lift p-values;
    the corrected intervals (users.<metric>.<arm>.holm_* and .bh_*) at the level each correction
    tests each goal at (corrected_levels below, from multipletests' rejections), with the same
    lift formulas as the unadjusted ones.
  - Plan from data (experiment plan --data FILE --metric NAME): the mean and standard deviation
    (ddof 1) of one value per user: for tests/golden/usage_small.csv events = sum of
    events_count and active_days = distinct event dates per user (the default cleaning drops
    nothing there); for Online Retail, cleaned with the default rules (retail_cleaning.py:
    duplicate rows, missing CustomerID, cancelled invoices, Quantity <= 0, UnitPrice <= 0,
    netting of cancelled orders), revenue =
    math.fsum of Quantity * UnitPrice, orders = distinct InvoiceNo, aov = revenue / orders per
    customer; for experiment_users.csv the column over all rows. Then statsmodels
    TTestIndPower().solve_power(d = relative_effect * mean / sd, alpha 0.05, power 0.8) (or
    NormalIndPower with Cohen's h for a 0/1 column).

COOKIE CATS has no pre-period column: its CUPED case uses retention_1 as the covariate of
retention_7 and of sum_gamerounds only to check the arithmetic on real data. retention_1 is
measured after assignment and so is itself affected by the treatment: this is not a valid
causal analysis of that experiment.
"""
import lzma
import math
import os
import sys

import numpy as np
import pandas as pd
import scipy
import scipy.stats as st
import statsmodels
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower, TTestIndPower
from statsmodels.stats.proportion import proportion_effectsize

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "tests", "data")
VERSIONS = (f"# numpy {np.__version__}, scipy {scipy.__version__}, "
            f"statsmodels {statsmodels.__version__}, pandas {pd.__version__}\n")
ALPHA = 0.05
TUNING = 5000.0


def g(x):
    return "%.17g" % float(x)


def welch(c, t, alpha=ALPHA):
    """Absolute and relative lift of treatment t over control c (arrays of per-user values)."""
    n_c, n_t = len(c), len(t)
    m_c, m_t = c.mean(), t.mean()
    v_c, v_t = c.var(ddof=1), t.var(ddof=1)
    return lifts(n_c, m_c, v_c, n_t, m_t, v_t, alpha,
                 scipy_p=st.ttest_ind(t, c, equal_var=False).pvalue)


def lifts(n_c, m_c, v_c, n_t, m_t, v_t, alpha=ALPHA, normal=False, scipy_p=None):
    se_c, se_t = v_c / n_c, v_t / n_t
    dof = np.inf if normal else (se_c + se_t) ** 2 / (se_t ** 2 / (n_t - 1) + se_c ** 2 / (n_c - 1))
    dist = st.norm() if normal else st.t(dof)
    crit = dist.ppf(1 - alpha / 2)
    out = {"n_c": n_c, "n_t": n_t, "mean_c": m_c, "mean_t": m_t, "var_c": v_c, "var_t": v_t}
    d = m_t - m_c
    se = np.sqrt(se_c + se_t)
    out.update(abs=d, abs_se=se, abs_low=d - crit * se, abs_high=d + crit * se,
               abs_p=2 * dist.sf(abs(d / se)))
    if scipy_p is not None:
        out["abs_p_scipy"] = scipy_p
    rel = d / m_c
    rel_se = np.sqrt(se_t / m_c ** 2 + m_t ** 2 * se_c / m_c ** 4)
    out.update(rel=rel, rel_se=rel_se, rel_low=rel - crit * rel_se, rel_high=rel + crit * rel_se,
               rel_p=2 * dist.sf(abs(rel / rel_se)))
    return out


def sequential(estimate, se, n_total, alpha=ALPHA, tuning=TUNING):
    rho2 = (-2 * np.log(alpha) + np.log(-2 * np.log(alpha) + 1)) / tuning
    s2 = se ** 2 * n_total
    spread = n_total * rho2 + 1
    half = np.sqrt(s2 * 2 * spread / (n_total ** 2 * rho2) * np.log(np.sqrt(spread) / alpha))
    z = estimate / se
    p = min(1.0, np.sqrt(spread) * np.exp(-z * z * n_total * rho2 / (2 * spread)))
    return estimate - half, estimate + half, p


def write_block(out, prefix, values, keys=None):
    for key, value in values.items():
        if keys is None or key in keys:
            out.write(f"{prefix}.{key} {g(value)}\n")


def cuped(df, arm_col, control, treatment, y_col, x_col):
    y = df[y_col].astype(np.float64).to_numpy()
    x = df[x_col].astype(np.float64).to_numpy()
    theta = np.cov(x, y, ddof=1)[0, 1] / x.var(ddof=1)
    adjusted = y - theta * (x - x.mean())
    arms = df[arm_col].to_numpy()
    c, t = adjusted[arms == control], adjusted[arms == treatment]
    result = welch(c, t)
    result["theta"] = theta
    return result


def cookie_cats(out):
    with lzma.open(os.path.join(DATA, "cookie_cats.csv.xz"), "rt") as f:
        cc = pd.read_csv(f)
    arms = cc["version"].to_numpy()
    out.write(f"cookie_cats.rows {len(cc)}\n")

    # CUPED with retention_1 standing in for a pre-period covariate (see the header).
    for metric in ("retention_7", "sum_gamerounds"):
        y = cc[metric].astype(np.float64).to_numpy()
        c, t = y[arms == "gate_30"], y[arms == "gate_40"]
        if metric == "retention_7":  # unadjusted: a rate, p (1 - p) / n
            raw = lifts(len(c), c.mean(), c.mean() * (1 - c.mean()), len(t), t.mean(),
                        t.mean() * (1 - t.mean()), normal=True)
        else:
            raw = welch(c, t)
        adjusted = cuped(cc, "version", "gate_30", "gate_40", metric, "retention_1")
        adjusted["variance_reduction"] = 1 - adjusted["abs_se"] ** 2 / raw["abs_se"] ** 2
        write_block(out, f"cookie_cats.cuped.{metric}", adjusted)
        write_block(out, f"cookie_cats.cuped.{metric}.raw", raw,
                    ("abs", "abs_low", "abs_high", "rel", "rel_low", "rel_high"))

    # Winsorising sum_gamerounds at the 99th and 99.9th percentiles of both arms pooled. At
    # 0.999 numpy's 'linear' gives 1073.624 where 'nearest' would give 1074: the test tells them
    # apart.
    rounds = cc["sum_gamerounds"].astype(np.float64).to_numpy()
    for q, key in ((0.99, "p99"), (0.999, "p999")):
        cap = np.percentile(rounds, 100 * q, method="linear")
        capped = np.minimum(rounds, cap)
        prefix = f"cookie_cats.winsorize_{key}.sum_gamerounds"
        out.write(f"{prefix}.cap {g(cap)}\n{prefix}.capped {int((rounds > cap).sum())}\n")
        nearest = np.percentile(rounds, 100 * q, method="nearest")
        out.write(f"# {prefix}: with method='nearest' the cap would be {g(nearest)}\n")
        result = welch(capped[arms == "gate_30"], capped[arms == "gate_40"])
        write_block(out, prefix, result)

    # Sequential intervals on the fixed-horizon lifts (z for the rates, Welch for rounds).
    for metric in ("retention_1", "retention_7", "sum_gamerounds"):
        y = cc[metric].astype(np.float64).to_numpy()
        c, t = y[arms == "gate_30"], y[arms == "gate_40"]
        if metric.startswith("retention"):
            fixed = lifts(len(c), c.mean(), c.mean() * (1 - c.mean()), len(t), t.mean(),
                          t.mean() * (1 - t.mean()), normal=True)
        else:
            fixed = welch(c, t)
        n_total = len(c) + len(t)
        for kind in ("abs", "rel"):
            low, high, p = sequential(fixed[kind], fixed[f"{kind}_se"], n_total)
            out.write(f"cookie_cats.sequential.{metric}.{kind} {g(fixed[kind])}\n"
                      f"cookie_cats.sequential.{metric}.{kind}_low {g(low)}\n"
                      f"cookie_cats.sequential.{metric}.{kind}_high {g(high)}\n"
                      f"cookie_cats.sequential.{metric}.{kind}_p {g(p)}\n")


def synthetic_users():
    rng = np.random.default_rng(20261124)
    rows = []
    arms = [("control", 520, 1.00, 0.20), ("treatment_a", 480, 1.12, 0.25),
            ("treatment_b", 500, 0.99, 0.20)]
    user = 100000
    for name, size, lift, rate in arms:
        for _ in range(size):
            user += int(rng.integers(1, 7))
            pre = float(np.round(rng.lognormal(3.0, 0.9), 2))
            orders = int(rng.poisson(1.2 * lift))
            revenue = 0.0
            if orders > 0:
                revenue = float(np.round(0.9 * pre * lift + rng.gamma(2.0, 6.0) * orders, 2))
            converted = int(rng.random() < rate)
            rows.append((user, name, converted, revenue, orders, pre))
    order = rng.permutation(len(rows))
    df = pd.DataFrame([rows[i] for i in order],
                      columns=["user_id", "variant", "converted", "revenue", "orders",
                               "pre_revenue"])
    return df


def synthetic(out, df):
    arms = df["variant"].to_numpy()
    treatments = ("treatment_a", "treatment_b")
    goal_p = []
    # Conversion (z), revenue (Welch, and CUPED on pre_revenue), revenue per order (ratio).
    for treatment in treatments:
        conv = df["converted"].astype(np.float64).to_numpy()
        c, t = conv[arms == "control"], conv[arms == treatment]
        z = lifts(len(c), c.mean(), c.mean() * (1 - c.mean()), len(t), t.mean(),
                  t.mean() * (1 - t.mean()), normal=True)
        x_c, x_t = int(c.sum()), int(t.sum())
        pooled = (x_c + x_t) / (len(c) + len(t))
        zstat = (t.mean() - c.mean()) / np.sqrt(pooled * (1 - pooled) * (1 / len(c) + 1 / len(t)))
        z["abs_p"] = 2 * st.norm.sf(abs(zstat))  # the pooled z-test, as proportions_ztest
        write_block(out, f"users.converted.{treatment}", z)
        goal_p.append(("converted", treatment, z["rel_p"]))

        rev = df["revenue"].to_numpy()
        raw = welch(rev[arms == "control"], rev[arms == treatment])
        write_block(out, f"users.revenue.{treatment}", raw)
        goal_p.append(("revenue", treatment, raw["rel_p"]))
        # theta from all three arms pooled, as GrowthLens estimates it once per metric.
        y = df["revenue"].to_numpy()
        x = df["pre_revenue"].to_numpy()
        theta = np.cov(x, y, ddof=1)[0, 1] / x.var(ddof=1)
        adjusted = y - theta * (x - x.mean())
        cup = welch(adjusted[arms == "control"], adjusted[arms == treatment])
        cup["theta"] = theta
        cup["variance_reduction"] = 1 - cup["abs_se"] ** 2 / raw["abs_se"] ** 2
        write_block(out, f"users.cuped_revenue.{treatment}", cup)

        ratio = {}
        for arm in ("control", treatment):
            m = df.loc[df.variant == arm, "revenue"].to_numpy()
            d = df.loc[df.variant == arm, "orders"].astype(np.float64).to_numpy()
            mu_m, mu_d = m.mean(), d.mean()
            cov = np.cov(m, d, ddof=1)[0, 1]
            var = (m.var(ddof=1) / mu_d ** 2 + d.var(ddof=1) * mu_m ** 2 / mu_d ** 4 -
                   2 * cov * mu_m / mu_d ** 3)
            ratio[arm] = (len(m), m.sum() / d.sum(), var)
        (n_c, m_c, v_c), (n_t, m_t, v_t) = ratio["control"], ratio[treatment]
        write_block(out, f"users.aov.{treatment}", lifts(n_c, m_c, v_c, n_t, m_t, v_t))
        goal_p.append(("aov", treatment, lifts(n_c, m_c, v_c, n_t, m_t, v_t)["rel_p"]))
    # Corrections over the unadjusted goals in GrowthLens' order: metric by metric, arm by arm.
    order = [(metric, treatment) for metric in ("converted", "revenue", "aov")
             for treatment in treatments]
    p = [next(v for m, t, v in goal_p if (m, t) == key) for key in order]
    holm = multipletests(p, method="holm")[1]
    bh = multipletests(p, method="fdr_bh")[1]
    for (metric, treatment), h, b in zip(order, holm, bh):
        out.write(f"users.{metric}.{treatment}.holm {g(h)}\nusers.{metric}.{treatment}.bh {g(b)}\n")
    # Intervals at the level each correction tests each goal at (see corrected_levels), computed
    # with the same formulas as the unadjusted ones: they exclude 0 exactly when the adjusted
    # p-value is below alpha.
    def lift_at(metric, treatment, alpha):
        c, t = arms == "control", arms == treatment
        if metric == "converted":
            conv = df["converted"].astype(np.float64).to_numpy()
            cc, tt = conv[c], conv[t]
            return lifts(len(cc), cc.mean(), cc.mean() * (1 - cc.mean()), len(tt), tt.mean(),
                         tt.mean() * (1 - tt.mean()), alpha=alpha, normal=True)
        if metric == "revenue":
            rev = df["revenue"].to_numpy() if not cuped_family[0] else adjusted
            return welch(rev[c], rev[t], alpha=alpha)
        stats = []
        for arm in ("control", treatment):
            m = df.loc[df.variant == arm, "revenue"].to_numpy()
            d = df.loc[df.variant == arm, "orders"].astype(np.float64).to_numpy()
            mu_m, mu_d = m.mean(), d.mean()
            cov = np.cov(m, d, ddof=1)[0, 1]
            stats.append((len(m), m.sum() / d.sum(),
                          m.var(ddof=1) / mu_d ** 2 + d.var(ddof=1) * mu_m ** 2 / mu_d ** 4 -
                          2 * cov * mu_m / mu_d ** 3))
        (n_c, m_c, v_c), (n_t, m_t, v_t) = stats
        return lifts(n_c, m_c, v_c, n_t, m_t, v_t, alpha=alpha)
    def corrected_intervals(family, order, p):
        for method, name in (("holm", "holm"), ("fdr_bh", "bh")):
            adjusted = multipletests(p, method=method)[1]
            levels = corrected_levels(p, method, ALPHA)
            for (metric, treatment), level, p_adj in zip(order, levels, adjusted):
                lift = lift_at(metric, treatment, level)
                prefix = f"{family}.{metric}.{treatment}.{name}"
                if family != "users":
                    out.write(f"{prefix} {g(p_adj)}\n")
                out.write(f"{prefix}_level {g(level)}\n")
                for key in ("abs_low", "abs_high", "rel_low", "rel_high"):
                    out.write(f"{prefix}_{key} {g(lift[key])}\n")
                # The interval and the verdict agree: 0 is outside exactly when adjusted p < alpha.
                assert (lift["rel_low"] > 0 or lift["rel_high"] < 0) == (p_adj < ALPHA), prefix

    cuped_family = [False]
    corrected_intervals("users", order, p)
    cuped_family[0] = True
    # The same family with revenue CUPED-adjusted by pre_revenue (--covariate revenue:pre_revenue):
    # its treatment_a lift is significant, so Holm rejects one hypothesis and stops at the next.
    cuped_p = {("revenue", t): welch(adjusted[arms == "control"], adjusted[arms == t])["rel_p"]
               for t in treatments}
    p_cuped = [cuped_p.get(key, value) for key, value in zip(order, p)]
    corrected_intervals("users.cuped_family", order, p_cuped)
    sizes = [int((arms == a).sum()) for a in ("control", "treatment_a", "treatment_b")]
    chi, p_srm = st.chisquare(sizes)
    out.write(f"users.srm.chi2 {g(chi)}\nusers.srm.p {g(p_srm)}\n")


def corrected_levels(p, method, alpha):
    """The level a correction tests each hypothesis at, from statsmodels' rejections: Holm,
    alpha / (m - min(r, s) + 1) with r the 1-based rank by p and s the rank of the first
    hypothesis kept (the step-down stops there; m + 1 when all are rejected); BH, the
    false-coverage-rate level alpha * max(R, 1) / m with R the hypotheses rejected (Benjamini
    and Yekutieli 2005)."""
    reject = multipletests(p, alpha=alpha, method=method)[0]
    m = len(p)
    if method == "fdr_bh":
        return [alpha * max(int(reject.sum()), 1) / m] * m
    ranked = np.argsort(p, kind="mergesort")
    stop = next((rank for rank, i in enumerate(ranked) if not reject[i]), m)
    levels = [0.0] * m
    for rank, i in enumerate(ranked):
        levels[i] = alpha / (m - min(rank, stop))
    return levels


def plan_block(out, prefix, values, relative_effect):
    values = np.asarray(values, dtype=np.float64)
    mean, sd = values.mean(), values.std(ddof=1)
    out.write(f"{prefix}.users {len(values)}\n{prefix}.mean {g(mean)}\n{prefix}.std_dev {g(sd)}\n")
    if set(np.unique(values)) <= {0.0, 1.0}:
        h = proportion_effectsize(mean * (1 + relative_effect), mean)
        nobs1 = NormalIndPower().solve_power(effect_size=h, alpha=0.05, power=0.8)
    else:
        nobs1 = TTestIndPower().solve_power(effect_size=relative_effect * mean / sd, alpha=0.05,
                                            power=0.8)
    out.write(f"{prefix}.relative_effect {g(relative_effect)}\n"
              f"{prefix}.n_control_exact {g(float(np.squeeze(nobs1)))}\n")


def plan_from_data(out, users):
    usage = pd.read_csv(os.path.join(HERE, "usage_small.csv"))
    per_user = usage.groupby("user_id")
    plan_block(out, "plan.usage_small.events", per_user["events_count"].sum(), 0.1)
    plan_block(out, "plan.usage_small.active_days", per_user["event_date"].nunique(), 0.1)

    sys.path.insert(0, HERE)
    import retail_cleaning  # noqa: E402
    retail, raw, _ = retail_cleaning.read(os.path.join(DATA, "online_retail.csv.xz"))
    _, kept, _, _ = retail_cleaning.clean(retail, raw, net_cancellations=True)
    assert len(kept) == 389870
    kept["amount"] = kept["Quantity"] * kept["UnitPrice"]
    by_customer = kept.groupby("CustomerID")
    revenue = by_customer["amount"].apply(lambda a: math.fsum(a))
    orders = by_customer["InvoiceNo"].nunique()
    plan_block(out, "plan.online_retail.revenue", revenue, 0.05)
    plan_block(out, "plan.online_retail.orders", orders, 0.05)
    plan_block(out, "plan.online_retail.aov", revenue / orders, 0.05)

    plan_block(out, "plan.users.revenue", users["revenue"], 0.1)
    plan_block(out, "plan.users.converted", users["converted"], 0.1)


def main():
    df = synthetic_users()
    with open(os.path.join(HERE, "experiment_users.csv"), "w") as f:
        df.to_csv(f, index=False, lineterminator="\n", float_format="%.2f")
    # Read back what the file holds, so the goldens are of the file's values.
    df = pd.read_csv(os.path.join(HERE, "experiment_users.csv"))
    with open(os.path.join(HERE, "experiment_per_user.golden"), "w") as out:
        out.write("# Golden values: experiment analyze on one row per user, numpy/scipy.\n")
        out.write("# Source: tests/golden/make_experiment_golden.py (conventions in its header). "
                  "abs/rel = absolute/relative lift, _low/_high = interval at alpha 0.05, "
                  "_p = two-sided p-value.\n")
        out.write(VERSIONS)
        cookie_cats(out)
        synthetic(out, df)
        plan_from_data(out, df)


if __name__ == "__main__":
    main()
