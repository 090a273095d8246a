// experiment analyze on a per-arm summary CSV: one row per (variant, metric) with n and either
// sum and sum_squares (means) or successes (conversion rates).

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>
#include <utility>

#include "app/experiment_data.h"
#include "io/column_mapping.h"
#include "io/csv_cursor.h"
#include "stats/arm_stats.h"

namespace growthlens::app {

namespace {

/// One (variant, metric) row of the summary file.
struct ArmRow {
  std::string variant;
  std::string metric;
  std::int64_t n = 0;
  bool proportion = false;
  std::int64_t successes = 0;
  double sum = 0, sum_squares = 0;
};

Result<double> ParseSummaryNumber(std::string_view text, const std::string& where) {
  double value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || !std::isfinite(value))
    return Status(ErrorCode::kParseError, fmt::format("{}: '{}' is not a number", where, text));
  return value;
}

/// Counts are whole numbers up to 2^53: every one of them is a double exactly, and converts to
/// int64 without overflow (a cast of a larger double is undefined behaviour).
constexpr double kMaxCount = 9007199254740992.0;

Result<std::int64_t> ParseCount(std::string_view text, const std::string& where,
                                const char* column) {
  Result<double> value = ParseSummaryNumber(text, fmt::format("{} column {}", where, column));
  if (!value.ok()) return value.status();
  if (!(*value >= 0 && *value <= kMaxCount) || *value != std::floor(*value))
    return Status(ErrorCode::kParseError,
                  fmt::format("{} column {}: {} is not a non-negative count (a whole number up to "
                              "2^53)",
                              where, column, text));
  return static_cast<std::int64_t>(*value);
}

Result<std::vector<ArmRow>> ReadRows(std::string_view text, const std::string& path,
                                     const CsvPreview& preview) {
  std::map<std::string, size_t> column;
  for (size_t idx = 0; idx < preview.header.size(); ++idx)
    column.emplace(NormalizeColumnName(preview.header[idx]), idx);
  if (!column.count("successes") && !(column.count("sum") && column.count("sumsquares")))
    return Status(ErrorCode::kSchemaError,
                  fmt::format("{}: a summary header needs sum and sum_squares (means) or "
                              "successes (rates) besides variant, metric and n",
                              path));
  CsvCursor cursor(text, CsvDialect{preview.delimiter, '"'}, preview.body_offset, text.size());
  const auto header_lines = static_cast<uint64_t>(std::count(
      text.begin(), text.begin() + static_cast<std::ptrdiff_t>(preview.body_offset), '\n'));
  std::vector<std::string_view> fields;
  std::vector<ArmRow> rows;
  while (cursor.Next(fields)) {
    if (cursor.blank_line()) continue;
    auto field = [&](const char* name) -> std::string_view {
      const auto it = column.find(name);
      return it == column.end() || it->second >= fields.size() ? std::string_view()
                                                               : fields[it->second];
    };
    const std::string where =
        fmt::format("{} line {}", path, header_lines + cursor.record_newlines() + 1);
    if (cursor.unterminated_quote())
      return Status(ErrorCode::kParseError,
                    fmt::format("{}: a quoted field opened on this line is not closed (a quote "
                                "left open)",
                                where));
    ArmRow row;
    row.variant = std::string(field("variant"));
    row.metric = std::string(field("metric"));
    if (row.variant.empty() || row.metric.empty())
      return Status(ErrorCode::kParseError,
                    fmt::format("{}: variant and metric are required", where));
    Result<std::int64_t> n = ParseCount(field("n"), where, "n");
    if (!n.ok()) return n.status();
    row.n = *n;
    if (!field("successes").empty()) {
      Result<std::int64_t> successes = ParseCount(field("successes"), where, "successes");
      if (!successes.ok()) return successes.status();
      if (*successes > row.n)
        return Status(ErrorCode::kParseError,
                      fmt::format("{} column successes: {} is not between 0 and n = {}", where,
                                  *successes, row.n));
      row.proportion = true;
      row.successes = *successes;
    } else {
      Result<double> sum = ParseSummaryNumber(field("sum"), where + " column sum");
      if (!sum.ok()) return sum.status();
      Result<double> squares =
          ParseSummaryNumber(field("sumsquares"), where + " column sum_squares");
      if (!squares.ok()) return squares.status();
      if (*squares < 0)
        return Status(ErrorCode::kParseError,
                      fmt::format("{} column sum_squares: {} is negative", where, *squares));
      row.sum = *sum;
      row.sum_squares = *squares;
    }
    rows.push_back(std::move(row));
  }
  if (rows.empty()) return Status(ErrorCode::kDataError, fmt::format("{}: no rows", path));
  return rows;
}

size_t IndexOf(std::vector<std::string>& names, const std::string& name) {
  const auto found = std::find(names.begin(), names.end(), name);
  if (found != names.end()) return static_cast<size_t>(found - names.begin());
  names.push_back(name);
  return names.size() - 1;
}

}  // namespace

bool LooksLikeSummary(const CsvPreview& preview) {
  bool variant = false, metric = false, n = false;
  for (const std::string& name : preview.header) {
    const std::string normal = NormalizeColumnName(name);
    variant |= normal == "variant";
    metric |= normal == "metric";
    n |= normal == "n";
  }
  return variant && metric && n;
}

Result<ExperimentData> ReadSummaryExperiment(std::string_view text, const std::string& name,
                                             const CsvPreview& preview) {
  Result<std::vector<ArmRow>> rows = ReadRows(text, name, preview);
  if (!rows.ok()) return rows.status();
  ExperimentData data;
  data.rows = rows->size();
  std::vector<std::string> metric_names;
  std::map<std::pair<size_t, size_t>, const ArmRow*> by_key;
  for (const ArmRow& row : *rows) {
    const size_t arm = IndexOf(data.arms, row.variant);
    const size_t metric = IndexOf(metric_names, row.metric);
    if (!by_key.emplace(std::pair{arm, metric}, &row).second)
      return Status(ErrorCode::kDataError, fmt::format("{}: variant '{}' has metric '{}' twice",
                                                       name, row.variant, row.metric));
  }
  // Users per variant = the largest n among its metrics.
  data.users.assign(data.arms.size(), 0);
  for (const auto& [key, row] : by_key)
    data.users[key.first] = std::max(data.users[key.first], row->n);
  for (size_t metric = 0; metric < metric_names.size(); ++metric) {
    stats::MetricArms arms;
    arms.name = metric_names[metric];
    arms.arms.assign(data.arms.size(), stats::ArmMoments{});
    arms.successes.assign(data.arms.size(), 0);
    std::optional<bool> proportion;
    for (size_t arm = 0; arm < data.arms.size(); ++arm) {
      const auto found = by_key.find({arm, metric});
      if (found == by_key.end()) continue;
      const ArmRow& row = *found->second;
      if (proportion && *proportion != row.proportion)
        return Status(ErrorCode::kDataError,
                      fmt::format("{}: metric '{}' is a rate in one arm and a mean in another",
                                  name, row.metric));
      proportion = row.proportion;
      const std::string context =
          fmt::format("{}: variant '{}', metric '{}'", name, row.variant, row.metric);
      Result<stats::ArmMoments> moments =
          row.proportion
              ? stats::MomentsFromSuccesses(row.n, row.successes)
              : stats::MomentsFromSums(static_cast<double>(row.n), row.sum, row.sum_squares);
      if (!moments.ok())
        return Status(ErrorCode::kDataError,
                      fmt::format("{}: {}", context, moments.status().message()));
      arms.arms[arm] = *moments;
      arms.successes[arm] = row.successes;
    }
    arms.type =
        proportion.value_or(false) ? stats::MetricType::kProportion : stats::MetricType::kMean;
    data.metrics.push_back(std::move(arms));
  }
  return data;
}

}  // namespace growthlens::app
