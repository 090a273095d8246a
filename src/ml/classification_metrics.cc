#include "ml/classification_metrics.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace growthlens::ml {

namespace {

// Row indices by score, descending; ties keep row order (stable), as a deterministic order.
std::vector<size_t> OrderDescending(std::span<const double> score) {
  std::vector<size_t> order(score.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return score[a] > score[b]; });
  return order;
}

}  // namespace

double RocAuc(std::span<const double> score, std::span<const uint8_t> label) {
  std::vector<size_t> order(score.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return score[a] < score[b]; });
  double positive_rank_sum = 0;
  size_t positives = 0;
  for (size_t begin = 0; begin < order.size();) {
    size_t end = begin;
    while (end < order.size() && score[order[end]] == score[order[begin]]) ++end;
    const double average_rank = (static_cast<double>(begin + end) + 1.0) / 2.0;  // 1-based
    for (size_t i = begin; i < end; ++i)
      if (label[order[i]]) positive_rank_sum += average_rank, ++positives;
    begin = end;
  }
  const double pos = static_cast<double>(positives);
  const double neg = static_cast<double>(score.size() - positives);
  if (pos == 0 || neg == 0) return std::nan("");
  return (positive_rank_sum - pos * (pos + 1) / 2.0) / (pos * neg);
}

double AveragePrecision(std::span<const double> score, std::span<const uint8_t> label) {
  const std::vector<size_t> order = OrderDescending(score);
  const double positives = static_cast<double>(std::count(label.begin(), label.end(), 1));
  if (positives == 0) return std::nan("");
  // sklearn: sum over thresholds (distinct scores) of (R_n - R_{n-1}) * P_n.
  double ap = 0, true_positives = 0, previous_recall = 0;
  for (size_t begin = 0; begin < order.size();) {
    size_t end = begin;
    while (end < order.size() && score[order[end]] == score[order[begin]]) {
      true_positives += label[order[end]];
      ++end;
    }
    const double recall = true_positives / positives;
    const double precision = true_positives / static_cast<double>(end);
    ap += (recall - previous_recall) * precision;
    previous_recall = recall;
    begin = end;
  }
  return ap;
}

Result<BinaryScores> ScoreBinary(std::span<const double> probability,
                                 std::span<const uint8_t> label) {
  if (probability.empty() || probability.size() != label.size())
    return Status(ErrorCode::kInvalidArgument,
                  "binary scores: expected as many probabilities as labels, at least one");
  BinaryScores scores;
  scores.rows = probability.size();
  size_t positives = 0;
  double brier = 0, log_loss = 0;
  for (size_t i = 0; i < probability.size(); ++i) {
    if (label[i] > 1)
      return Status(ErrorCode::kInvalidArgument, "binary scores: labels must be 0 or 1");
    const double y = label[i], p = probability[i];
    positives += label[i];
    brier += (p - y) * (p - y);
    const double clipped = std::clamp(p, 1e-15, 1.0 - 1e-15);
    log_loss -= y * std::log(clipped) + (1 - y) * std::log(1 - clipped);
  }
  if (positives == 0 || positives == probability.size())
    return Status(ErrorCode::kInvalidArgument,
                  "binary scores: every label is the same, so ranking cannot be measured");
  const double n = static_cast<double>(probability.size());
  scores.base_rate = static_cast<double>(positives) / n;
  scores.brier = brier / n;
  scores.log_loss = log_loss / n;
  scores.roc_auc = RocAuc(probability, label);
  scores.pr_auc = AveragePrecision(probability, label);
  return scores;
}

std::vector<DecileRow> DecileTable(std::span<const double> probability,
                                   std::span<const uint8_t> label) {
  const std::vector<size_t> order = OrderDescending(probability);
  const size_t n = order.size();
  const size_t groups = std::min<size_t>(10, n);
  const double total_positives = static_cast<double>(std::count(label.begin(), label.end(), 1));
  const double base_rate = n > 0 ? total_positives / static_cast<double>(n) : 0;
  std::vector<DecileRow> table;
  double cumulative = 0;
  for (size_t group = 0; group < groups; ++group) {
    const size_t begin = group * n / groups, end = (group + 1) * n / groups;
    DecileRow row;
    row.decile = static_cast<int>(group + 1);
    row.rows = end - begin;
    double predicted = 0, positives = 0;
    for (size_t i = begin; i < end; ++i) {
      predicted += probability[order[i]];
      positives += label[order[i]];
    }
    const double rows = static_cast<double>(row.rows);
    row.mean_predicted = predicted / rows;
    row.observed_rate = positives / rows;
    row.lift = base_rate > 0 ? row.observed_rate / base_rate : 0;
    cumulative += positives;
    row.cumulative_gain = total_positives > 0 ? cumulative / total_positives : 0;
    table.push_back(row);
  }
  return table;
}

}  // namespace growthlens::ml
