#include "ml/cluster_labels.h"

#include <algorithm>
#include <string>

namespace growthlens::ml {

namespace {

// A value-indexed table is used when the label range is at most this much wider than the row
// count (so its size stays proportional to the input).
constexpr int64_t kDirectTableSlack = 64;

}  // namespace

DenseLabels EncodeLabels(std::span<const int32_t> labels) {
  DenseLabels dense;
  dense.codes.resize(labels.size());
  if (labels.empty()) return dense;
  const auto [low, high] = std::minmax_element(labels.begin(), labels.end());
  const int64_t span = int64_t{*high} - int64_t{*low} + 1;
  // Labels from KMeans are 0..k-1: a table indexed by value replaces sorting and searching.
  if (span <= static_cast<int64_t>(labels.size()) + kDirectTableSlack) {
    std::vector<int32_t> table(static_cast<size_t>(span), -1);
    for (const int32_t label : labels) table[static_cast<size_t>(label - *low)] = 0;
    int32_t next_code = 0;
    for (int32_t& code : table) code = code == 0 ? next_code++ : -1;
    dense.sizes.assign(static_cast<size_t>(next_code), 0);
    for (size_t row_idx = 0; row_idx < labels.size(); ++row_idx) {
      const int32_t code = table[static_cast<size_t>(labels[row_idx] - *low)];
      dense.codes[row_idx] = code;
      ++dense.sizes[static_cast<size_t>(code)];
    }
    return dense;
  }
  std::vector<int32_t> distinct(labels.begin(), labels.end());
  std::sort(distinct.begin(), distinct.end());
  distinct.erase(std::unique(distinct.begin(), distinct.end()), distinct.end());
  dense.sizes.assign(distinct.size(), 0);
  for (size_t row_idx = 0; row_idx < labels.size(); ++row_idx) {
    const auto found = std::lower_bound(distinct.begin(), distinct.end(), labels[row_idx]);
    const int32_t code = static_cast<int32_t>(found - distinct.begin());
    dense.codes[row_idx] = code;
    ++dense.sizes[static_cast<size_t>(code)];
  }
  return dense;
}

Status CheckClusterLabels(size_t rows, std::span<const int32_t> labels, size_t clusters,
                          const char* metric) {
  if (labels.size() != rows) {
    return Status(ErrorCode::kInvalidArgument, std::string(metric) + ": " +
                                                   std::to_string(labels.size()) + " labels for " +
                                                   std::to_string(rows) + " rows");
  }
  if (clusters < 2 || clusters + 1 > rows) {
    return Status(ErrorCode::kInvalidArgument,
                  std::string(metric) + ": number of labels is " + std::to_string(clusters) +
                      "; valid values are 2 to rows - 1 = " +
                      std::to_string(rows > 0 ? rows - 1 : 0) + " (inclusive)");
  }
  return Status::Ok();
}

}  // namespace growthlens::ml
