#!/usr/bin/python3
"""Golden values for the experiment statistics engine (src/stats/), computed with statsmodels
and scipy, independent of GrowthLens, for tests/stats_golden_test.cc.

HOW TO RUN (from the repo root; Debian packages: statsmodels 0.13.5, scipy 1.10.1,
pandas 1.5.3, python 3.11.2):

    /usr/bin/python3 tests/golden/make_stats_golden.py [path/to/data/folder]

(default data folder: tests/data; the .xz files are read with
Python's lzma). Deterministic: rerunning rewrites the same bytes. Takes a few seconds.

WRITES into tests/golden/ (numbers printed with "%.17g" so they parse to the doubles scipy saw):
  stats_power.csv        statsmodels NormalIndPower (proportions, Cohen's h) and TTestIndPower
                         (means, Cohen's d) on a grid: nobs1 from solve_power(nobs1=None),
                         power(effect, nobs1), and the effect solved from (nobs1, power).
                         Convention: sample 1 = control, ratio = n_treatment / n_control,
                         effect = treatment - control, alternative 'larger' = treatment larger.
  stats_multipletests.csv statsmodels multipletests(method='holm' / 'fdr_bh') on fixed p-values.
  stats_real_data.golden per-arm sufficient statistics of the real data sets (n, sum, sum of
                         squares, successes) and scipy/statsmodels results on them:
                         proportions_ztest (pooled, two-sided), scipy.stats.ttest_ind
                         (equal_var=False), scipy.stats.chisquare of the arm sizes against
                         equal weights.

DATA
  cookie_cats.csv.xz  arms = version (gate_30 control, gate_40 treatment); retention_1 and
                      retention_7 as proportions; sum_gamerounds as a mean (Welch).
  ab_data.csv.xz      cleaned as documented for this data set: drop rows where
                      (group == 'treatment') xor (landing_page == 'new_page'), then keep the first
                      row of each duplicated user_id; arms = group (control, treatment); converted
                      as a proportion.
"""
import lzma
import os
import sys

import numpy as np
import pandas as pd
import scipy
import scipy.stats as st
import statsmodels
from statsmodels.stats.multitest import multipletests
from statsmodels.stats.power import NormalIndPower, TTestIndPower
from statsmodels.stats.proportion import proportion_effectsize, proportions_ztest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "tests", "data")
VERSIONS = (f"# statsmodels {statsmodels.__version__}, scipy {scipy.__version__}, "
            f"pandas {pd.__version__}, numpy {np.__version__}\n")


def g(x):
    return "%.17g" % float(x)


def write_power():
    rows = []
    cases = []
    # Proportions: (baseline, treatment rate) -> Cohen's h.
    for base, treat in [(0.10, 0.11), (0.05, 0.055), (0.30, 0.33), (0.50, 0.48), (0.02, 0.025)]:
        cases.append(("proportion", base, treat, proportion_effectsize(treat, base)))
    # Means: Cohen's d directly (baseline and treatment left as 0 and d).
    for d in [0.1, 0.2, 0.05, -0.15]:
        cases.append(("mean", 0.0, d, d))
    for kind, base, treat, effect in cases:
        for ratio in (1.0, 2.0, 0.5):
            for alternative in ("two-sided", "larger", "smaller"):
                if (alternative == "larger") != (effect > 0) and alternative != "two-sided":
                    continue  # one-sided in the wrong direction has power < alpha: no solution
                for alpha, power in ((0.05, 0.8), (0.01, 0.9), (0.1, 0.8)):
                    solver = NormalIndPower() if kind == "proportion" else TTestIndPower()
                    nobs1 = solver.solve_power(effect_size=effect, nobs1=None, alpha=alpha,
                                               power=power, ratio=ratio, alternative=alternative)
                    nobs1 = float(np.squeeze(nobs1))
                    n_fixed = 1000.0
                    pw = solver.power(effect, n_fixed, alpha, ratio=ratio,
                                      alternative=alternative)
                    mde = solver.solve_power(effect_size=None, nobs1=n_fixed, alpha=alpha,
                                             power=power, ratio=ratio, alternative=alternative)
                    mde = float(np.squeeze(mde))
                    rows.append([kind, base, treat, effect, ratio, alternative, alpha, power,
                                 nobs1, n_fixed, float(pw), mde])
    with open(os.path.join(HERE, "stats_power.csv"), "w") as out:
        out.write("# Golden values: statsmodels NormalIndPower (kind=proportion, effect = Cohen's h"
                  " = proportion_effectsize(treatment, baseline)) and TTestIndPower (kind=mean,"
                  " effect = Cohen's d).\n")
        out.write("# Source: tests/golden/make_stats_golden.py. nobs1 = solve_power(nobs1=None);"
                  " power_at_fixed = power(effect, fixed_nobs1); mde_effect = solve_power("
                  "effect_size=None, nobs1=fixed_nobs1). Sample 1 = control, ratio = n2/n1.\n")
        out.write("# statsmodels' root finder lands within ~1e-8 relative on nobs1 but stops early "
                  "on mde_effect (up to ~2e-5 relative, power 0.79999 for 0.8); power is closed "
                  "form.\n")
        out.write(VERSIONS)
        out.write("kind,baseline,treatment,effect,ratio,alternative,alpha,power,nobs1,"
                  "fixed_nobs1,power_at_fixed,mde_effect\n")
        for r in rows:
            out.write(",".join([r[0], g(r[1]), g(r[2]), g(r[3]), g(r[4]), r[5], g(r[6]), g(r[7]),
                                g(r[8]), g(r[9]), g(r[10]), g(r[11])]) + "\n")


def write_multipletests():
    sets = {
        "a": [0.01, 0.04, 0.03, 0.005, 0.2, 0.04],
        "b": [0.001, 0.0001, 0.5, 0.049, 0.051, 0.9, 0.02],
        "c": [0.3],
        "d": [0.8, 0.6, 0.7, 0.01],
    }
    with open(os.path.join(HERE, "stats_multipletests.csv"), "w") as out:
        out.write("# Golden values: statsmodels multipletests(p, method='holm') and "
                  "multipletests(p, method='fdr_bh'), adjusted p-values (pvals_corrected).\n")
        out.write("# Source: tests/golden/make_stats_golden.py\n")
        out.write(VERSIONS)
        out.write("set,index,p,holm,bh\n")
        for name, pvals in sets.items():
            holm = multipletests(pvals, method="holm")[1]
            bh = multipletests(pvals, method="fdr_bh")[1]
            for idx, p in enumerate(pvals):
                out.write(f"{name},{idx},{g(p)},{g(holm[idx])},{g(bh[idx])}\n")


def read_xz(name):
    with lzma.open(os.path.join(DATA, name), "rt") as f:
        return pd.read_csv(f)


def proportion_block(out, prefix, df, arm_col, control, treatment, value_col):
    x = {}
    n = {}
    for arm in (control, treatment):
        v = df.loc[df[arm_col] == arm, value_col].astype(np.int64)
        x[arm] = int(v.sum())
        n[arm] = int(len(v))
        out.write(f"{prefix}.{arm}.n {n[arm]}\n{prefix}.{arm}.successes {x[arm]}\n")
    z, p = proportions_ztest([x[treatment], x[control]], [n[treatment], n[control]])
    out.write(f"{prefix}.ztest.z {g(z)}\n{prefix}.ztest.p {g(p)}\n")


def mean_block(out, prefix, df, arm_col, control, treatment, value_col):
    vals = {}
    for arm in (control, treatment):
        v = df.loc[df[arm_col] == arm, value_col].astype(np.float64).to_numpy()
        vals[arm] = v
        # Integer data: the sums are exact in int64 and printed exactly.
        iv = df.loc[df[arm_col] == arm, value_col].astype(np.int64).to_numpy()
        out.write(f"{prefix}.{arm}.n {len(iv)}\n{prefix}.{arm}.sum {int(iv.sum())}\n"
                  f"{prefix}.{arm}.sum_squares {int((iv * iv).sum())}\n")
    t, p = st.ttest_ind(vals[treatment], vals[control], equal_var=False)
    v1 = vals[treatment].var(ddof=1) / len(vals[treatment])
    v0 = vals[control].var(ddof=1) / len(vals[control])
    dof = (v1 + v0) ** 2 / (v1 ** 2 / (len(vals[treatment]) - 1) +
                            v0 ** 2 / (len(vals[control]) - 1))
    out.write(f"{prefix}.welch.t {g(t)}\n{prefix}.welch.p {g(p)}\n{prefix}.welch.dof {g(dof)}\n")


def write_real_data():
    with open(os.path.join(HERE, "stats_real_data.golden"), "w") as out:
        out.write("# Golden values: per-arm sufficient statistics and scipy/statsmodels tests on "
                  "the real data sets.\n")
        out.write("# Source: tests/golden/make_stats_golden.py (see its header for the cleaning "
                  "of ab_data). ztest = statsmodels proportions_ztest([x_t, x_c], [n_t, n_c]) "
                  "(pooled variance, two-sided); welch = scipy.stats.ttest_ind(treatment, "
                  "control, equal_var=False); srm = scipy.stats.chisquare(arm sizes, equal "
                  "expected).\n")
        out.write(VERSIONS)
        cc = read_xz("cookie_cats.csv.xz")
        out.write(f"cookie_cats.rows {len(cc)}\n")
        for metric in ("retention_1", "retention_7"):
            proportion_block(out, f"cookie_cats.{metric}", cc, "version", "gate_30", "gate_40",
                             metric)
        mean_block(out, "cookie_cats.sum_gamerounds", cc, "version", "gate_30", "gate_40",
                   "sum_gamerounds")
        sizes = [int((cc.version == "gate_30").sum()), int((cc.version == "gate_40").sum())]
        chi, p = st.chisquare(sizes)
        out.write(f"cookie_cats.srm.chi2 {g(chi)}\ncookie_cats.srm.p {g(p)}\n")

        ab = read_xz("ab_data.csv.xz")
        out.write(f"ab_data.raw_rows {len(ab)}\n")
        mismatch = (ab["group"] == "treatment") != (ab["landing_page"] == "new_page")
        ab = ab[~mismatch]
        out.write(f"ab_data.mismatched_rows {int(mismatch.sum())}\n")
        before = len(ab)
        ab = ab.drop_duplicates(subset="user_id", keep="first")
        out.write(f"ab_data.duplicate_rows {before - len(ab)}\nab_data.rows {len(ab)}\n")
        proportion_block(out, "ab_data.converted", ab, "group", "control", "treatment",
                         "converted")
        mean_block(out, "ab_data.converted_as_mean", ab, "group", "control", "treatment",
                   "converted")
        sizes = [int((ab.group == "control").sum()), int((ab.group == "treatment").sum())]
        chi, p = st.chisquare(sizes)
        out.write(f"ab_data.srm.chi2 {g(chi)}\nab_data.srm.p {g(p)}\n")
        # Unequal configured weights and an empty third arm, for the SRM check.
        obs = [sizes[0], sizes[1], 0]
        w = np.array([0.45, 0.45, 0.10])
        chi, p = st.chisquare(obs, f_exp=w * sum(obs))
        out.write(f"ab_data.srm3.chi2 {g(chi)}\nab_data.srm3.p {g(p)}\n")


if __name__ == "__main__":
    write_power()
    write_multipletests()
    write_real_data()
