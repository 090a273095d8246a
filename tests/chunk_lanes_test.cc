// The KMeans kernels that read ChunkLanes (eight row chunks per SIMD register) against the
// per-chunk kernels they replaced, bit for bit: Lloyd's labels and chunk cluster sums against
// CentreTable::NearestRows and ChunkedClusterSums::Accumulate, and k-means++ seeds against a
// scalar pass over CentreTable::Scores. Shapes cover a partial last chunk and group, one row,
// widths compiled as constants (1..8) and not (11), k = 1 and ties between equal centres.

#include "ml/chunk_lanes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "ml/centre_table.h"
#include "ml/centred_rows.h"
#include "ml/cluster_sums.h"
#include "ml/kmeans_plusplus.h"
#include "ml/lloyd_step.h"
#include "ml/row_chunks.h"
#include "ml/seeded_draws.h"
#include "ml_test_data.h"

namespace growthlens::ml {
namespace {

struct Shape {
  size_t rows;
  size_t dims;
  size_t k;
};

const Shape kShapes[] = {{1, 3, 1},     {7, 2, 3},     {513, 3, 4},    {4'100, 1, 2},
                         {9'000, 3, 4}, {9'000, 8, 9}, {5'000, 11, 5}, {40'000, 3, 10}};

bool SameBits(double a, double b) {
  return std::memcmp(&a, &b, sizeof(double)) == 0;
}

/// Centres near rows of x; with k >= 3 the last one repeats the first (a tie on every row).
FeatureMatrix CentresFor(const FeatureMatrix& x, size_t k, uint64_t seed) {
  std::mt19937_64 rng(seed);
  FeatureMatrix centres(k, x.cols());
  for (size_t centre = 0; centre < k; ++centre) {
    const size_t row = UniformIndex(rng, x.rows());
    for (size_t dim = 0; dim < x.cols(); ++dim)
      centres(centre, dim) = x(row, dim) + 0.25 * UniformUnit(rng);
  }
  if (k >= 3)
    for (size_t dim = 0; dim < x.cols(); ++dim) centres(k - 1, dim) = centres(0, dim);
  return centres;
}

TEST(ChunkLanesTest, LloydPassEqualsNearestRowsAndChunkSums) {
  for (const Shape& shape : kShapes) {
    const FeatureMatrix input = testing::MakeBlobs(shape.rows, shape.dims, 4, /*seed=*/shape.rows);
    const CentredRows rows = CentredRows::From(input, 2);
    const FeatureMatrix centres = CentresFor(rows.x, shape.k, shape.dims);
    const CentreTable table(centres);
    const RowChunks chunks(shape.rows);

    std::vector<int32_t> expected(shape.rows);
    ChunkedClusterSums expected_sums(chunks.count(), shape.k, shape.dims);
    for (size_t chunk_idx = 0; chunk_idx < chunks.count(); ++chunk_idx) {
      const RowRange range = chunks[chunk_idx];
      table.NearestRows(rows.x.row(range.begin).data(), range.size(),
                        expected.data() + range.begin);
      expected_sums.Accumulate(chunk_idx, rows.x, range, expected);
    }

    LloydStep step(rows.lanes);
    step.BeginIteration(table);
    std::vector<int32_t> labels(shape.rows, -1);
    ChunkedClusterSums sums(chunks.count(), shape.k, shape.dims);
    size_t changed = 0;
    for (size_t group = 0; group < rows.lanes.groups(); ++group)
      changed += step.AssignGroup(group, labels, &sums);
    const std::string where = std::to_string(shape.rows) + " rows x " + std::to_string(shape.dims) +
                              ", k " + std::to_string(shape.k);
    EXPECT_EQ(changed, shape.rows) << where << ": every label was -1";
    ASSERT_EQ(labels, expected) << where;
    if (shape.k >= 3) {
      const auto last = static_cast<int32_t>(shape.k - 1);
      EXPECT_EQ(std::count(labels.begin(), labels.end(), last), 0) << where << ": ties go first";
    }
    for (size_t chunk_idx = 0; chunk_idx < chunks.count(); ++chunk_idx) {
      const std::span<double> got = sums.Sums(chunk_idx);
      const std::span<double> want = expected_sums.Sums(chunk_idx);
      for (size_t idx = 0; idx < got.size(); ++idx)
        ASSERT_TRUE(SameBits(got[idx], want[idx])) << where << ", chunk " << chunk_idx;
      ASSERT_TRUE(std::equal(sums.Counts(chunk_idx).begin(), sums.Counts(chunk_idx).end(),
                             expected_sums.Counts(chunk_idx).begin()))
          << where << ", chunk " << chunk_idx;
    }
    // Relabelling (no sums) with unchanged centres changes nothing.
    size_t again = 0;
    for (size_t group = 0; group < rows.lanes.groups(); ++group)
      again += step.AssignGroup(group, labels, nullptr);
    EXPECT_EQ(again, 0u) << where;
    EXPECT_EQ(labels, expected) << where;
  }
}

/// The seeding as it was computed before ChunkLanes: per chunk, the scores of
/// CentreTable::Scores turned into squared distances, closest[] and potentials in row order.
std::vector<size_t> ScalarKMeansPlusPlus(const FeatureMatrix& x, std::span<const double> norms2,
                                         size_t k, std::mt19937_64& rng) {
  const size_t rows = x.rows();
  const size_t trials = LocalTrialsFor(k);
  const RowChunks chunks(rows);
  std::vector<double> closest(rows, std::numeric_limits<double>::infinity());
  std::vector<double> chunk_potential(chunks.count());
  // Each candidate's updated closest[] and chunk potentials.
  const auto pass = [&](std::span<const size_t> candidates, std::vector<std::vector<double>>& out,
                        std::vector<double>& potentials) {
    const CentreTable table(x.SelectRows(candidates));
    out.assign(candidates.size(), std::vector<double>(rows));
    potentials.assign(chunks.count() * candidates.size(), 0.0);
    std::vector<double> scores(rows * candidates.size());
    table.Scores(x.values().data(), rows, scores.data());
    for (size_t chunk_idx = 0; chunk_idx < chunks.count(); ++chunk_idx) {
      const RowRange range = chunks[chunk_idx];
      for (size_t trial = 0; trial < candidates.size(); ++trial) {
        double sum = 0;
        for (size_t row = range.begin; row < range.end; ++row) {
          const double distance =
              std::max(0.0, norms2[row] + scores[row * candidates.size() + trial]);
          out[trial][row] = std::min(closest[row], distance);
          sum += out[trial][row];
        }
        potentials[chunk_idx * candidates.size() + trial] = sum;
      }
    }
  };
  std::vector<size_t> seeds = {UniformIndex(rng, rows)};
  std::vector<std::vector<double>> updated;
  pass(seeds, updated, chunk_potential);
  closest = updated[0];
  std::vector<double> candidate_potential;
  while (seeds.size() < k) {
    double potential = 0;
    for (const double value : chunk_potential) potential += value;
    std::vector<size_t> candidates(trials);
    for (size_t& candidate : candidates) {
      const double target = UniformUnit(rng) * potential;
      candidate = rows - 1;
      double running = 0;
      for (size_t chunk_idx = 0, found = 0; chunk_idx < chunks.count() && !found; ++chunk_idx) {
        if (running + chunk_potential[chunk_idx] < target) {
          running += chunk_potential[chunk_idx];
          continue;
        }
        double within = running;
        for (size_t row = chunks[chunk_idx].begin; row < chunks[chunk_idx].end && !found; ++row) {
          within += closest[row];
          if (within >= target) {
            candidate = row;
            found = 1;
          }
        }
        running += chunk_potential[chunk_idx];
      }
    }
    pass(candidates, updated, candidate_potential);
    size_t best = 0;
    double best_total = std::numeric_limits<double>::infinity();
    for (size_t trial = 0; trial < trials; ++trial) {
      double total = 0;
      for (size_t chunk_idx = 0; chunk_idx < chunks.count(); ++chunk_idx)
        total += candidate_potential[chunk_idx * trials + trial];
      if (total < best_total) {
        best_total = total;
        best = trial;
      }
    }
    seeds.push_back(candidates[best]);
    closest = updated[best];
    for (size_t chunk_idx = 0; chunk_idx < chunks.count(); ++chunk_idx)
      chunk_potential[chunk_idx] = candidate_potential[chunk_idx * trials + best];
  }
  return seeds;
}

TEST(ChunkLanesTest, KMeansPlusPlusEqualsTheScalarPass) {
  for (const Shape& shape : kShapes) {
    const FeatureMatrix input = testing::MakeBlobs(shape.rows, shape.dims, 6, /*seed=*/shape.dims);
    const CentredRows rows = CentredRows::From(input, 1);
    const size_t k = std::min(shape.k + 2, shape.rows);
    for (uint64_t seed = 0; seed < 3; ++seed) {
      std::mt19937_64 expected_rng(seed);
      const std::vector<size_t> expected =
          ScalarKMeansPlusPlus(rows.x, rows.row_norms2, k, expected_rng);
      for (const unsigned threads : {1u, 2u}) {
        std::mt19937_64 rng(seed);
        EXPECT_EQ(GreedyKMeansPlusPlus(rows.x, rows.lanes, k, rng, threads), expected)
            << shape.rows << " rows x " << shape.dims << ", k " << k << ", seed " << seed;
        std::mt19937_64 after = expected_rng;
        EXPECT_EQ(rng(), after()) << "the same draws consumed";
      }
    }
  }
}

}  // namespace
}  // namespace growthlens::ml
