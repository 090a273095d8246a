// experiment analyze on one row per user: resolving the variant, metric, covariate and ratio
// columns from the header and the options, reading them on every core, capping, and the
// per-arm statistics of every metric (stats/unit_metrics.h).

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <map>
#include <utility>

#include "app/experiment_data.h"

#include "app/param_spec.h"
#include "io/column_mapping.h"
#include "io/encoding.h"
#include "stats/unit_metrics.h"
#include "stats/winsorize.h"

namespace growthlens::app {

namespace {

std::string ColumnList(const CsvPreview& preview) {
  return fmt::format("{}", fmt::join(preview.header, ", "));
}

/// An option's name as the person who gave it knows it: "--metrics" or "parameter 'metrics'".
std::string OptionName(std::string_view name, const PerUserOptions& options) {
  return ShownName(name, options.naming);
}

Status BadOption(std::string message) {
  return Status(ErrorCode::kInvalidArgument, std::move(message));
}

Result<size_t> RequireColumn(const CsvPreview& preview, const std::string& name,
                             std::string_view option, const std::string& file,
                             const PerUserOptions& options) {
  const std::optional<size_t> found = FindColumn(preview, name);
  if (!found)
    return BadOption(fmt::format("{} '{}': {} has no such column (columns: {})",
                                 OptionName(option, options), name, file, ColumnList(preview)));
  return *found;
}

/// Ids are labels, not metrics: id, uid, userid, customerid, or a name ending in _id / " id".
bool IsIdColumn(const std::string& name) {
  const std::string normal = NormalizeColumnName(name);
  std::string lower = name;
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  return normal == "id" || normal == "uid" || normal == "userid" || normal == "customerid" ||
         lower.ends_with("_id") || lower.ends_with(" id") || lower.ends_with("-id");
}

/// A metric by default: the column's first non-empty value is a number (a later cell that is
/// not one is then an error naming its line, never a reason to drop the column silently).
bool LooksNumeric(const CsvPreview& preview, size_t column) {
  for (const std::vector<std::string>& record : preview.sample) {
    if (column >= record.size() || record[column].empty()) continue;
    return ParseUnitValue(record[column], preview.delimiter != ',').has_value();
  }
  return false;
}

struct RatioSpec {
  std::string name;
  size_t numerator = 0;
  size_t denominator = 0;
};

/// The metric columns (header indices) and ratios, with the covariate of each metric.
struct ColumnPlan {
  size_t variant = 0;
  std::vector<size_t> metrics;
  std::map<size_t, size_t> covariate_of;  // metric column -> covariate column
  std::vector<RatioSpec> ratios;
  std::vector<size_t> covariates;
};

Result<ColumnPlan> PlanColumns(const CsvPreview& preview, const std::string& file,
                               const PerUserOptions& options) {
  ColumnPlan plan;
  if (!options.variant_column.empty()) {
    Result<size_t> variant =
        RequireColumn(preview, options.variant_column, "variant-col", file, options);
    if (!variant.ok()) return variant.status();
    plan.variant = *variant;
  } else {
    std::optional<size_t> variant;
    for (const char* name : {"variant", "group", "version", "arm"})
      if (!variant) variant = FindColumn(preview, name);
    if (!variant)
      return Status(ErrorCode::kSchemaError,
                    fmt::format("{}: no column named variant, group, version or arm; name the "
                                "variant column with {} (columns: {})",
                                file, OptionName("variant-col", options), ColumnList(preview)));
    plan.variant = *variant;
  }

  // Covariates: "COL" for every metric, "metric:COL" for one.
  std::optional<size_t> every_metric_covariate;
  std::map<size_t, size_t> named_covariates;
  for (const std::string& item : options.covariates) {
    const size_t colon = item.find(':');
    const std::string column_name = colon == std::string::npos ? item : item.substr(colon + 1);
    Result<size_t> covariate = RequireColumn(preview, column_name, "covariate", file, options);
    if (!covariate.ok()) return covariate.status();
    plan.covariates.push_back(*covariate);
    if (colon == std::string::npos) {
      every_metric_covariate = *covariate;
    } else {
      Result<size_t> metric =
          RequireColumn(preview, item.substr(0, colon), "covariate", file, options);
      if (!metric.ok()) return metric.status();
      named_covariates[*metric] = *covariate;
    }
  }

  for (const std::string& item : options.ratios) {
    const size_t equals = item.find('=');
    const size_t slash = item.find('/', equals == std::string::npos ? 0 : equals);
    if (equals == std::string::npos || equals == 0 || slash == std::string::npos)
      return BadOption(
          fmt::format("{} '{}': expected NAME=NUMERATOR/DENOMINATOR, e.g. "
                      "aov=revenue/orders",
                      OptionName("ratio", options), item));
    RatioSpec ratio;
    ratio.name = item.substr(0, equals);
    // The name is the user's own label, not a column: it reaches the report as it is.
    if (!IsValidUtf8(ratio.name))
      return BadOption(OptionName("ratio", options) +
                       ": the name before '=' is not valid UTF-8 text");
    Result<size_t> numerator =
        RequireColumn(preview, item.substr(equals + 1, slash - equals - 1), "ratio", file, options);
    if (!numerator.ok()) return numerator.status();
    Result<size_t> denominator =
        RequireColumn(preview, item.substr(slash + 1), "ratio", file, options);
    if (!denominator.ok()) return denominator.status();
    ratio.numerator = *numerator;
    ratio.denominator = *denominator;
    plan.ratios.push_back(std::move(ratio));
  }

  const auto is_covariate = [&](size_t column) {
    return std::find(plan.covariates.begin(), plan.covariates.end(), column) !=
           plan.covariates.end();
  };
  if (!options.metrics.empty()) {
    for (const std::string& name : options.metrics) {
      Result<size_t> metric = RequireColumn(preview, name, "metrics", file, options);
      if (!metric.ok()) return metric.status();
      if (*metric == plan.variant)
        return BadOption(fmt::format("{} '{}': that is the variant column",
                                     OptionName("metrics", options), name));
      if (is_covariate(*metric))
        return BadOption(
            fmt::format("{} '{}': also named as a {}; a pre-period "
                        "covariate is not a metric of the experiment",
                        OptionName("metrics", options), name,
                        options.naming == Naming::kCli ? "--covariate" : "covariate"));
      if (std::find(plan.metrics.begin(), plan.metrics.end(), *metric) == plan.metrics.end())
        plan.metrics.push_back(*metric);
    }
  } else {
    for (size_t column = 0; column < preview.header.size(); ++column)
      if (column != plan.variant && !is_covariate(column) && !IsIdColumn(preview.header[column]) &&
          LooksNumeric(preview, column))
        plan.metrics.push_back(column);
    if (plan.metrics.empty() && plan.ratios.empty())
      return Status(ErrorCode::kSchemaError,
                    fmt::format("{}: no numeric metric column besides the variant '{}' and ids; "
                                "name the metrics with {} (columns: {})",
                                file, preview.header[plan.variant], OptionName("metrics", options),
                                ColumnList(preview)));
  }
  for (const auto& [metric, covariate] : named_covariates)
    if (std::find(plan.metrics.begin(), plan.metrics.end(), metric) == plan.metrics.end())
      return BadOption(fmt::format("{} '{}:{}': '{}' is not one of the metrics",
                                   OptionName("covariate", options), preview.header[metric],
                                   preview.header[covariate], preview.header[metric]));
  for (size_t metric : plan.metrics) {
    const auto named = named_covariates.find(metric);
    if (named != named_covariates.end())
      plan.covariate_of[metric] = named->second;
    else if (every_metric_covariate)
      plan.covariate_of[metric] = *every_metric_covariate;
    if (plan.covariate_of.count(metric) && plan.covariate_of[metric] == metric)
      return BadOption(fmt::format("{}: '{}' cannot be its own covariate",
                                   OptionName("covariate", options), preview.header[metric]));
  }
  return plan;
}

}  // namespace

std::optional<size_t> FindColumn(const CsvPreview& preview, std::string_view wanted) {
  for (size_t idx = 0; idx < preview.header.size(); ++idx)
    if (preview.header[idx] == wanted) return idx;
  const std::string normal = NormalizeColumnName(wanted);
  for (size_t idx = 0; idx < preview.header.size(); ++idx)
    if (NormalizeColumnName(preview.header[idx]) == normal) return idx;
  return std::nullopt;
}

Result<ExperimentData> ReadPerUserExperiment(std::string_view text, const std::string& name,
                                             const CsvPreview& preview,
                                             const PerUserOptions& options) {
  Result<ColumnPlan> plan = PlanColumns(preview, name, options);
  if (!plan.ok()) return plan.status();

  // Every column read once, in header order; ratio denominators are counts.
  std::vector<size_t> needed = plan->metrics;
  needed.insert(needed.end(), plan->covariates.begin(), plan->covariates.end());
  std::vector<size_t> denominators;
  for (const RatioSpec& ratio : plan->ratios) {
    needed.push_back(ratio.numerator);
    needed.push_back(ratio.denominator);
    denominators.push_back(ratio.denominator);
  }
  std::sort(needed.begin(), needed.end());
  needed.erase(std::unique(needed.begin(), needed.end()), needed.end());
  UnitTableRequest request;
  request.label_column = plan->variant;
  request.threads = options.threads;
  for (size_t column : needed)
    request.columns.push_back({column, std::find(denominators.begin(), denominators.end(),
                                                 column) != denominators.end()});
  Result<UnitTable> table = ReadUnitTable(text, name, preview, request);
  if (!table.ok()) return table.status();
  const auto slot = [&](size_t column) {
    return static_cast<size_t>(std::find(needed.begin(), needed.end(), column) - needed.begin());
  };

  ExperimentData data;
  data.per_user = true;
  data.rows = table->rows();
  data.arms = table->labels;
  if (data.rows == 0)
    return Status(ErrorCode::kDataError, fmt::format("{}: no data rows after the header", name));
  if (data.arms.size() < 2)
    return Status(ErrorCode::kDataError,
                  fmt::format("{}: column '{}' has one variant only ('{}'); an experiment needs a "
                              "control and at least one treatment",
                              name, preview.header[plan->variant], data.arms.front()));
  data.users.assign(data.arms.size(), 0);
  for (uint32_t arm : table->label) ++data.users[arm];

  if (options.winsorize) {
    data.winsorize = options.winsorize;
    for (size_t column : needed) {
      const size_t idx = slot(column);
      const bool covariate = std::find(plan->covariates.begin(), plan->covariates.end(), column) !=
                             plan->covariates.end();
      if (covariate || table->binary[idx]) continue;
      Result<stats::WinsorizeResult> capped =
          stats::Winsorize(table->values[idx], *options.winsorize);
      if (!capped.ok())
        return BadOption(fmt::format(
            "{}: {}", GivenText("winsorize", options.naming, fmt::format("{}", *options.winsorize)),
            capped.status().message()));
      data.caps.push_back(
          {preview.header[column], capped->upper_cap, capped->capped, table->values[idx].size()});
    }
  }

  for (size_t metric : plan->metrics) {
    stats::UnitMetricColumns columns;
    columns.name = preview.header[metric];
    columns.type =
        table->binary[slot(metric)] ? stats::MetricType::kProportion : stats::MetricType::kMean;
    columns.values = table->values[slot(metric)];
    const auto covariate = plan->covariate_of.find(metric);
    if (covariate != plan->covariate_of.end()) {
      columns.covariate_name = preview.header[covariate->second];
      columns.covariate = table->values[slot(covariate->second)];
    }
    Result<stats::MetricArms> arms =
        stats::SummarizeUnitMetric(table->label, data.arms, columns, options.threads);
    if (!arms.ok()) return Status(ErrorCode::kDataError, arms.status().message());
    data.metrics.push_back(std::move(*arms));
  }
  for (const RatioSpec& ratio : plan->ratios) {
    stats::UnitMetricColumns columns;
    columns.name = ratio.name;
    columns.type = stats::MetricType::kRatio;
    columns.values = table->values[slot(ratio.numerator)];
    columns.denominator = table->values[slot(ratio.denominator)];
    Result<stats::MetricArms> arms =
        stats::SummarizeUnitMetric(table->label, data.arms, columns, options.threads);
    if (!arms.ok()) return Status(ErrorCode::kDataError, arms.status().message());
    data.metrics.push_back(std::move(*arms));
  }
  return data;
}

}  // namespace growthlens::app
