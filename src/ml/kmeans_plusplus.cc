#include "ml/kmeans_plusplus.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>
#include <utility>

#include "core/parallel.h"
#include "core/target_clones.h"
#include "ml/centre_table.h"
#include "ml/lane_centres.h"
#include "ml/row_chunks.h"
#include "ml/seeded_draws.h"

namespace growthlens::ml {

namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();
// Row widths compiled with their width known (others take a loop over the width).
constexpr size_t kMaxFixedDims = 8;

// For every row of a lane group and every candidate centre: its squared distance as
// scikit-learn's _euclidean_distances computes it, max(0, ||x||^2 + ||c||^2 - 2 x.c) (the
// score as CentreTable's kernels round it); updated[trial] = the smaller of that and
// closest[]; potentials[trial] = each lane's sum of updated[trial] over its rows, in row order,
// so each chunk's potential is the sum a scalar pass over the chunk makes. Selections are bit
// masks (GCC expands vector ?: into per-lane branches); a masked-out lane adds +0.0, which
// leaves a sum of non-negative terms unchanged.
template <size_t kDims>
[[gnu::always_inline]] inline void CandidatePassOf(const ChunkLanes& lanes, size_t group,
                                                   const LaneCentres& candidates,
                                                   const LanePack* closest,
                                                   LanePack* const* updated, LanePack* potentials) {
  const size_t dims = kDims > 0 ? kDims : candidates.dims;
  const LaneInts lane_rows = lanes.LaneRows(group).lanes;
  for (size_t trial = 0; trial < candidates.k; ++trial) potentials[trial].lanes = Lanes{};
  const Lanes zero = {};
  for (size_t position = 0; position < kRowsPerChunk; ++position) {
    const LanePack* at = lanes.At(group, position);
    const Lanes norm2 = at[dims].lanes;
    const LaneInts valid = LaneInts{} + static_cast<int64_t>(position) < lane_rows;
    const Lanes current = closest[position].lanes;
    for (size_t trial = 0; trial < candidates.k; ++trial) {
      Lanes score;
      LaneScore(at, candidates, trial, dims, score);
      const Lanes squared = norm2 + score;
      const Lanes distance = (Lanes)((LaneInts)squared & (squared > zero));
      const LaneInts nearer = distance < current;
      const Lanes kept = (Lanes)(((LaneInts)distance & nearer) | ((LaneInts)current & ~nearer));
      updated[trial][position].lanes = kept;
      potentials[trial].lanes += (Lanes)((LaneInts)kept & valid);
    }
  }
}

template <size_t... kDims>
[[gnu::always_inline]] inline void CandidatePassDispatch(std::index_sequence<kDims...>,
                                                         const ChunkLanes& lanes, size_t group,
                                                         const LaneCentres& candidates,
                                                         const LanePack* closest,
                                                         LanePack* const* updated,
                                                         LanePack* potentials) {
  const bool done =
      ((candidates.dims == kDims + 1 &&
        (CandidatePassOf<kDims + 1>(lanes, group, candidates, closest, updated, potentials),
         true)) ||
       ...);
  if (!done) CandidatePassOf<0>(lanes, group, candidates, closest, updated, potentials);
}

// Compiled for AVX-512, AVX2 + FMA and the baseline; the loader picks one per CPU, whose
// multiply-adds round as CentreTable's clone for the same CPU does.
GROWTHLENS_TARGET_CLONES("arch=x86-64-v4", "arch=x86-64-v3", "default")
void CandidatePassKernel(const ChunkLanes& lanes, size_t group, const LaneCentres& candidates,
                         const LanePack* closest, LanePack* const* updated, LanePack* potentials) {
  CandidatePassDispatch(std::make_index_sequence<kMaxFixedDims>(), lanes, group, candidates,
                        closest, updated, potentials);
}

// A lane-layout array (one pack per ChunkLanes position), left uninitialised: every pass
// writes all of it.
struct LaneColumn {
  explicit LaneColumn(size_t positions)
      : packs(std::make_unique_for_overwrite<LanePack[]>(positions)) {}
  const LanePack* data() const { return packs.get(); }
  LanePack* data() { return packs.get(); }
  void swap(LaneColumn& other) noexcept { packs.swap(other.packs); }
  std::unique_ptr<LanePack[]> packs;
};

// One pass over the rows for the candidates `rows` of x: updated[trial] and the potential of
// every chunk with each candidate added, [chunk][trial].
void CandidatePass(const FeatureMatrix& x, const ChunkLanes& lanes, std::span<const size_t> rows,
                   const LaneColumn& closest, std::vector<LaneColumn>& updated,
                   std::vector<double>& potentials, unsigned threads) {
  const LaneCentres candidates{CentreTable(x.SelectRows(rows))};
  const size_t trials = rows.size();
  ParallelFor(lanes.groups(), threads, [&](size_t group) {
    const size_t offset = group * kRowsPerChunk;
    std::vector<LanePack*> targets(trials);
    for (size_t trial = 0; trial < trials; ++trial) targets[trial] = updated[trial].data() + offset;
    std::vector<LanePack> sums(trials);
    CandidatePassKernel(lanes, group, candidates, closest.data() + offset, targets.data(),
                        sums.data());
    for (size_t lane = 0; lane < lanes.ChunksIn(group); ++lane)
      for (size_t trial = 0; trial < trials; ++trial)
        potentials[(group * kLaneChunks + lane) * trials + trial] = sums[trial].lanes[lane];
  });
}

// First row whose running sum of `closest` reaches `target` (numpy.searchsorted, side left).
size_t SampleRow(const LaneColumn& closest, const RowChunks& chunks,
                 const std::vector<double>& chunk_potential, size_t rows, double target) {
  const auto* values = reinterpret_cast<const double*>(closest.data());
  double running = 0;
  for (size_t chunk_idx = 0; chunk_idx < chunks.count(); ++chunk_idx) {
    if (running + chunk_potential[chunk_idx] < target) {
      running += chunk_potential[chunk_idx];
      continue;
    }
    const RowRange range = chunks[chunk_idx];
    const size_t group = chunk_idx / kLaneChunks;
    const size_t lane = chunk_idx % kLaneChunks;
    double within = running;
    for (size_t position = 0; position < range.size(); ++position) {
      within += values[(group * kRowsPerChunk + position) * kLaneChunks + lane];
      if (within >= target) return range.begin + position;
    }
    running += chunk_potential[chunk_idx];  // rounding left the chunk short: go on
  }
  return rows - 1;  // scikit-learn clips to the last row too
}

}  // namespace

size_t LocalTrialsFor(size_t k) {
  return 2 + static_cast<size_t>(std::log(static_cast<double>(k)));
}

std::vector<size_t> GreedyKMeansPlusPlus(const FeatureMatrix& x, std::span<const double> row_norms2,
                                         size_t k, std::mt19937_64& rng, unsigned threads) {
  return GreedyKMeansPlusPlus(x, ChunkLanes(x, row_norms2, threads), k, rng, threads);
}

std::vector<size_t> GreedyKMeansPlusPlus(const FeatureMatrix& x, const ChunkLanes& lanes, size_t k,
                                         std::mt19937_64& rng, unsigned threads) {
  const size_t rows = x.rows();
  // A pass over a few thousand rows takes microseconds: starting a thread for it costs more,
  // and on a busy machine each start can wait a scheduler slice. (Chunks are fixed, so the
  // result is the same on any number of threads.)
  constexpr size_t kMinRowsForThreads = size_t{1} << 15;
  if (rows < kMinRowsForThreads) threads = 1;
  const size_t trials = LocalTrialsFor(k);
  const RowChunks chunks(rows);
  const size_t positions = lanes.groups() * kRowsPerChunk;
  std::vector<size_t> seeds;
  seeds.reserve(k);
  seeds.push_back(UniformIndex(rng, rows));

  // closest[]: each row's squared distance to its closest seed so far (lane layout). A pass
  // writes closest[] with each candidate added into candidate_closest[trial]: the chosen one
  // becomes closest[] (a swap), so adding a seed costs no second pass.
  const Lanes infinity = {kInfinity, kInfinity, kInfinity, kInfinity,
                          kInfinity, kInfinity, kInfinity, kInfinity};
  LaneColumn closest(positions);
  std::fill(closest.data(), closest.data() + positions, LanePack{infinity});
  std::vector<LaneColumn> candidate_closest;
  for (size_t trial = 0; trial < trials; ++trial) candidate_closest.emplace_back(positions);
  std::vector<double> chunk_potential(chunks.count());
  CandidatePass(x, lanes, seeds, closest, candidate_closest, chunk_potential, threads);
  closest.swap(candidate_closest[0]);

  std::vector<size_t> candidates(trials);
  std::vector<double> candidate_potential(chunks.count() * trials);
  while (seeds.size() < k) {
    double potential = 0;
    for (const double value : chunk_potential) potential += value;
    for (size_t& candidate : candidates)
      candidate = SampleRow(closest, chunks, chunk_potential, rows, UniformUnit(rng) * potential);
    // Potential with each candidate added, all candidates in one pass over the rows.
    CandidatePass(x, lanes, candidates, closest, candidate_closest, candidate_potential, threads);
    size_t best_trial = 0;
    double best_potential = kInfinity;
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
    closest.swap(candidate_closest[best_trial]);
    for (size_t chunk_idx = 0; chunk_idx < chunks.count(); ++chunk_idx)
      chunk_potential[chunk_idx] = candidate_potential[chunk_idx * trials + best_trial];
  }
  return seeds;
}

}  // namespace growthlens::ml
