#include "ml/kmeans_plusplus.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "core/parallel.h"
#include "ml/centre_table.h"
#include "ml/row_chunks.h"
#include "ml/seeded_draws.h"

namespace growthlens::ml {

namespace {

// Squared distances of a chunk's rows to every centre of `table`, as scikit-learn's
// _euclidean_distances: max(0, ||x||^2 + ||c||^2 - 2 x.c), through the KMeans score kernel.
void ChunkSquaredDistances(const FeatureMatrix& x, std::span<const double> row_norms2,
                           const CentreTable& table, RowRange range, std::vector<double>& out) {
  out.resize(range.size() * table.k());
  if (range.size() == 0) return;
  table.Scores(x.row(range.begin).data(), range.size(), out.data());
  for (size_t offset = 0; offset < range.size(); ++offset) {
    for (size_t centre = 0; centre < table.k(); ++centre) {
      double& value = out[offset * table.k() + centre];
      value = std::max(0.0, row_norms2[range.begin + offset] + value);
    }
  }
}

// closest[i] = min(closest[i], d(x_i, candidate `chosen` of `table`)^2), and the per-chunk sums
// of the result. The distances are those the candidate pass computed: same kernel, same table.
void AddSeed(const FeatureMatrix& x, std::span<const double> row_norms2, const CentreTable& table,
             size_t chosen, std::vector<double>& closest, const RowChunks& chunks,
             std::vector<double>& chunk_potential, unsigned threads) {
  ParallelFor(chunks.count(), threads, [&](size_t chunk_idx) {
    const RowRange range = chunks[chunk_idx];
    std::vector<double> distances;
    ChunkSquaredDistances(x, row_norms2, table, range, distances);
    double sum = 0;
    for (size_t row_idx = range.begin; row_idx < range.end; ++row_idx) {
      const double distance = distances[(row_idx - range.begin) * table.k() + chosen];
      closest[row_idx] = std::min(closest[row_idx], distance);
      sum += closest[row_idx];
    }
    chunk_potential[chunk_idx] = sum;
  });
}

// First row whose running sum of `closest` reaches `target` (numpy.searchsorted, side left).
size_t SampleRow(const std::vector<double>& closest, const RowChunks& chunks,
                 const std::vector<double>& chunk_potential, double target) {
  double running = 0;
  for (size_t chunk_idx = 0; chunk_idx < chunks.count(); ++chunk_idx) {
    if (running + chunk_potential[chunk_idx] < target) {
      running += chunk_potential[chunk_idx];
      continue;
    }
    const RowRange range = chunks[chunk_idx];
    double within = running;
    for (size_t row_idx = range.begin; row_idx < range.end; ++row_idx) {
      within += closest[row_idx];
      if (within >= target) return row_idx;
    }
    running += chunk_potential[chunk_idx];  // rounding left the chunk short: go on
  }
  return closest.size() - 1;  // scikit-learn clips to the last row too
}

}  // namespace

size_t LocalTrialsFor(size_t k) {
  return 2 + static_cast<size_t>(std::log(static_cast<double>(k)));
}

std::vector<size_t> GreedyKMeansPlusPlus(const FeatureMatrix& x, std::span<const double> row_norms2,
                                         size_t k, std::mt19937_64& rng, unsigned threads) {
  const size_t rows = x.rows();
  // A pass over a few thousand rows takes microseconds: starting a thread for it costs more,
  // and on a busy machine each start can wait a scheduler slice. (Chunks are fixed, so the
  // result is the same on any number of threads.)
  constexpr size_t kMinRowsForThreads = size_t{1} << 15;
  if (rows < kMinRowsForThreads) threads = 1;
  const size_t trials = LocalTrialsFor(k);
  const RowChunks chunks(rows);
  std::vector<size_t> seeds;
  seeds.reserve(k);
  seeds.push_back(UniformIndex(rng, rows));

  std::vector<double> closest(rows, std::numeric_limits<double>::infinity());
  std::vector<double> chunk_potential(chunks.count());
  AddSeed(x, row_norms2, CentreTable(x.SelectRows(seeds)), 0, closest, chunks, chunk_potential,
          threads);
  std::vector<size_t> candidates(trials);
  std::vector<double> candidate_potential(chunks.count() * trials);
  // closest[] with each candidate added, [trial][row]: the chosen one becomes closest[] (a swap),
  // so adding the seed costs no second pass (the same values AddSeed would compute).
  std::vector<std::vector<double>> candidate_closest(trials, std::vector<double>(rows));
  while (seeds.size() < k) {
    double potential = 0;
    for (const double value : chunk_potential) potential += value;
    for (size_t& candidate : candidates)
      candidate = SampleRow(closest, chunks, chunk_potential, UniformUnit(rng) * potential);

    // Potential with each candidate added, all candidates in one pass over the rows.
    const CentreTable table(x.SelectRows(candidates));
    ParallelFor(chunks.count(), threads, [&](size_t chunk_idx) {
      const RowRange range = chunks[chunk_idx];
      std::vector<double> distances;
      ChunkSquaredDistances(x, row_norms2, table, range, distances);
      // Trial by trial, so each sum stays in a register (a sum in memory, next to the stores,
      // made every addition wait for the previous store); rows in order, as before.
      for (size_t trial = 0; trial < trials; ++trial) {
        double* updated_closest = candidate_closest[trial].data();
        double sum = 0;
        for (size_t row_idx = range.begin; row_idx < range.end; ++row_idx) {
          const double updated =
              std::min(closest[row_idx], distances[(row_idx - range.begin) * trials + trial]);
          updated_closest[row_idx] = updated;
          sum += updated;
        }
        candidate_potential[chunk_idx * trials + trial] = sum;
      }
    });
    size_t best_trial = 0;
    double best_potential = std::numeric_limits<double>::infinity();
    for (size_t trial = 0; trial < trials; ++trial) {
      double total = 0;
      for (size_t chunk_idx = 0; chunk_idx < chunks.count(); ++chunk_idx)
        total += candidate_potential[chunk_idx * trials + trial];
      if (total < best_potential) {  // numpy.argmin: first of equals
        best_potential = total;
        best_trial = trial;
      }
    }
    seeds.push_back(candidates[best_trial]);
    // AddSeed's result: the chosen candidate's closest[] and per-chunk sums (summed in the same
    // row order above).
    closest.swap(candidate_closest[best_trial]);
    for (size_t chunk_idx = 0; chunk_idx < chunks.count(); ++chunk_idx)
      chunk_potential[chunk_idx] = candidate_potential[chunk_idx * trials + best_trial];
  }
  return seeds;
}

}  // namespace growthlens::ml
