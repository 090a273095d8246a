#!/usr/bin/python3
"""scikit-learn side of bench/kmeans_benchmark.cc: the same three workloads on the same points,
timed with scikit-learn 1.2.1 (Debian python3-sklearn, numpy with the reference BLAS), and,
with --cpp, the C++ benchmark run right after for a side-by-side table with ratios.

    /usr/bin/python3 bench/sklearn_kmeans.py [--cpp build/bench/kmeans_benchmark] [--repeat 3]

Every time is the best of --repeat runs on each side (the machine is shared; best-of is the
least noisy estimate), except scikit-learn's exact silhouette, which takes ~25 s and runs once.

Workloads (identical definitions in kmeans_benchmark.cc):
  * KMeans on 1,000,000 x 8, k = 8, init = rows 0..7, n_init = 1, tol 1e-4, max_iter 300:
    algorithm "lloyd" and "elkan" (the triangle-inequality variant), each against our Lloyd. Reported: time per iteration = fit time / n_iter_.
  * silhouette_score on 50,000 x 8 (8 blobs, their true labels), exact. Run once (~20 s).
  * k sweep k = 2..10 on 200,000 x 3: KMeans(k, n_init=3, random_state=0) (k-means++, lloyd),
    silhouette_score(sample_size=10000, random_state=0), davies_bouldin_score,
    calinski_harabasz_score.
Answers are printed next to the times (n_iter, inertia, scores) so both sides can be checked.

The points: a shared generator, bit-identical in numpy and C++ (see MakeBlobs in
kmeans_benchmark.cc): uniform number i of a stream is SplitMix64 of seed + (i + 1) * golden
gamma, top 53 bits; centres box * (2u - 1); row r in blob r % k with value
centre + spread * ((((u0 + u1) + u2) + u3 - 2) * sqrt(3)).
"""
import argparse
import json
import math
import os
import subprocess
import sys
import time

import numpy as np
import sklearn
from sklearn.cluster import KMeans
from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score, silhouette_score

GOLDEN_GAMMA = np.uint64(0x9E3779B97F4A7C15)


def stream_uniforms(seed, start, count):
    """Uniforms start .. start+count-1 of the SplitMix64 stream `seed` (wrapping uint64)."""
    with np.errstate(over="ignore"):
        z = np.uint64(seed) + np.arange(start + 1, start + count + 1, dtype=np.uint64) * GOLDEN_GAMMA
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
    return (z >> np.uint64(11)).astype(np.float64) * 2.0 ** -53


def make_blobs(rows, dims, k, seed, box, spread):
    centres = (box * (2.0 * stream_uniforms(seed, 0, k * dims) - 1.0)).reshape(k, dims)
    x = np.empty((rows, dims))
    labels = np.arange(rows) % k
    step = 100_000  # rows per slice, to keep the uint64 temporaries small
    for begin in range(0, rows, step):
        end = min(rows, begin + step)
        u = stream_uniforms(seed, k * dims + 4 * begin * dims, 4 * (end - begin) * dims)
        u = u.reshape(end - begin, dims, 4)
        z = (((u[..., 0] + u[..., 1]) + u[..., 2]) + u[..., 3] - 2.0) * math.sqrt(3.0)
        x[begin:end] = centres[labels[begin:end]] + spread * z
    return x, labels.astype(np.int32)


def best_of(repeat, run):
    results = [run() for _ in range(repeat)]
    return min(results, key=lambda item: item[0])


def sklearn_side(repeat):
    out = {}
    x, _ = make_blobs(1_000_000, 8, 8, seed=1, box=1.2, spread=1.0)
    for algorithm in ("lloyd", "elkan"):
        def fit():
            start = time.perf_counter()
            model = KMeans(8, init=x[:8], n_init=1, algorithm=algorithm).fit(x)
            return time.perf_counter() - start, model
        seconds, model = best_of(repeat, fit)
        out[algorithm] = dict(ms_per_iter=1e3 * seconds / model.n_iter_, n_iter=int(model.n_iter_),
                              inertia=float(model.inertia_), seconds=seconds)
        print(f"sklearn KMeans {algorithm}: {out[algorithm]}", file=sys.stderr)

    x, labels = make_blobs(50_000, 8, 8, seed=2, box=3.0, spread=1.0)
    start = time.perf_counter()
    score = silhouette_score(x, labels)
    out["silhouette"] = dict(seconds=time.perf_counter() - start, score=float(score))
    print(f"sklearn silhouette: {out['silhouette']}", file=sys.stderr)

    x, _ = make_blobs(200_000, 3, 6, seed=3, box=4.0, spread=1.0)

    def sweep():
        start = time.perf_counter()
        rows = []
        for k in range(2, 11):
            model = KMeans(k, n_init=3, random_state=0).fit(x)
            rows.append((k, float(model.inertia_),
                         float(silhouette_score(x, model.labels_, sample_size=10_000,
                                                random_state=0)),
                         float(davies_bouldin_score(x, model.labels_)),
                         float(calinski_harabasz_score(x, model.labels_))))
        return time.perf_counter() - start, rows
    seconds, rows = best_of(repeat, sweep)
    best_k = max(rows, key=lambda row: row[2])[0]
    out["sweep"] = dict(seconds=seconds, best_k=best_k, rows=rows)
    print(f"sklearn sweep: {seconds:.2f} s, best k {best_k}", file=sys.stderr)
    return out


def cpp_side(binary, repeat):
    """Runs the C++ benchmark; per benchmark the fastest of `repeat` repetitions."""
    result = subprocess.run([binary, "--benchmark_format=json",
                             f"--benchmark_repetitions={repeat}"],
                            check=True, capture_output=True, text=True)
    runs = {}
    for bench in json.loads(result.stdout)["benchmarks"]:
        if bench.get("run_type") != "iteration":
            continue
        name = bench["run_name"]
        if name not in runs or bench["real_time"] < runs[name]["real_time"]:
            runs[name] = bench
    return runs


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cpp", help="path to the kmeans_benchmark binary to run after")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs per workload, best kept (scikit-learn's silhouette: once)")
    args = parser.parse_args()
    print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}; load average "
          f"{os.getloadavg()[0]:.2f} at start", file=sys.stderr)
    # The C++ side first (about 20 s), then scikit-learn (about a minute); both best-of-N, as
    # the machine is shared and timings are noisy.
    cpp = cpp_side(args.cpp, args.repeat) if args.cpp else None
    sk = sklearn_side(args.repeat)
    print(f"load average {os.getloadavg()[0]:.2f} at the end", file=sys.stderr)
    if not cpp:
        json.dump(sk, sys.stdout, indent=1)
        return

    def cpp_run(prefix):
        return next(bench for name, bench in cpp.items() if name.startswith(prefix))

    lloyd = cpp_run("BM_KMeans/Lloyd")
    silhouette = cpp_run("BM_SilhouetteExact")
    sweep = cpp_run("BM_KSweep")
    # time_per_iter: seconds per Lloyd iteration (a kIsRate | kInvert counter).
    lines = [
        ("KMeans 1M x 8, k=8, ms per iteration", "lloyd", sk["lloyd"]["ms_per_iter"],
         "Lloyd", 1e3 * lloyd["time_per_iter"]),
        ("KMeans 1M x 8, k=8, ms per iteration", "elkan", sk["elkan"]["ms_per_iter"],
         "Lloyd", 1e3 * lloyd["time_per_iter"]),
        ("silhouette 50k x 8 exact, ms", "silhouette_score", 1e3 * sk["silhouette"]["seconds"],
         "SilhouetteScore", silhouette["real_time"]),
        ("k sweep 2..10 on 200k x 3, ms", "loop of KMeans+metrics",
         1e3 * sk["sweep"]["seconds"], "SweepK", sweep["real_time"]),
    ]
    print(f"{'workload':42} {'scikit-learn':>14} {'GrowthLens':>12} {'speed-up':>9}")
    for what, sk_name, sk_ms, ours_name, ours_ms in lines:
        print(f"{what:42} {sk_ms:12.1f}   {ours_ms:10.1f}   {sk_ms / ours_ms:7.1f}x"
              f"   ({sk_name} vs {ours_name})")
    print("answers: n_iter sklearn lloyd/elkan "
          f"{sk['lloyd']['n_iter']}/{sk['elkan']['n_iter']} vs ours {lloyd['n_iter']:.0f}"
          "; inertia {sk['lloyd']['inertia']:.9g} vs "
          f"{lloyd['inertia']:.9g}; silhouette {sk['silhouette']['score']:.12f} vs "
          f"{silhouette['score']:.12f}; sweep best k {sk['sweep']['best_k']} vs "
          f"{sweep['best_k']:.0f}")


if __name__ == "__main__":
    main()
