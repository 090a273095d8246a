#pragma once
// The two inputs of `growthlens experiment analyze`, read into metrics per arm:
//   - a per-arm summary CSV (header variant, metric, n and sum, sum_squares or successes);
//   - one row per user (a variant column and metric columns), streamed on every core, with
//     CUPED covariates, ratio metrics and winsorisation applied on the way.
// LooksLikeSummary tells them apart by the header; ReadExperiment does both. The text is in
// memory: a file the CLI read, or the body of POST /api/v1/experiment/analyze.
//
//   Result<ExperimentData> data = ReadExperiment(text, "test.csv", options);

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "app/param_spec.h"
#include "core/status.h"
#include "io/unit_table_reader.h"
#include "stats/metric_arms.h"

namespace growthlens::app {

/// One column capped by --winsorize.
struct CapReport {
  std::string column;
  double cap = 0.0;
  std::size_t capped = 0;  ///< values lowered to the cap
  std::size_t values = 0;
};

struct ExperimentData {
  bool per_user = false;
  std::size_t rows = 0;             ///< data rows read
  std::vector<std::string> arms;    ///< first-seen order (the order of --weights)
  std::vector<std::int64_t> users;  ///< per arm
  std::vector<stats::MetricArms> metrics;
  std::optional<double> winsorize;  ///< the percentile, when capping was asked
  std::vector<CapReport> caps;
};

/// The per-user options of `experiment analyze` (see its --help).
struct PerUserOptions {
  std::string variant_column;           ///< "" = a column named variant, group, version or arm
  std::vector<std::string> metrics;     ///< "" = every numeric column but id and covariates
  std::vector<std::string> covariates;  ///< "COL" (every metric) or "metric:COL"
  std::vector<std::string> ratios;      ///< "NAME=NUM/DEN"
  std::optional<double> winsorize;      ///< cap at this percentile (0.99)
  unsigned threads = 0;
  Naming naming = Naming::kCli;  ///< how errors name the options above
};

/// True when the header has variant, metric and n columns (the summary format).
bool LooksLikeSummary(const CsvPreview& preview);

Result<ExperimentData> ReadSummaryExperiment(std::string_view text, const std::string& name,
                                             const CsvPreview& preview);

Result<ExperimentData> ReadPerUserExperiment(std::string_view text, const std::string& name,
                                             const CsvPreview& preview,
                                             const PerUserOptions& options);

/// `text` (UTF-8) read as an experiment: a per-arm summary when its header says so (per-user
/// options are then refused, naming them), else one row per user with `options`. Errors name
/// `name` and the line or column at fault.
Result<ExperimentData> ReadExperiment(std::string_view text, const std::string& name,
                                      const PerUserOptions& options);

/// The header column called `wanted`: exact, else case-, space- and underscore-insensitively.
std::optional<std::size_t> FindColumn(const CsvPreview& preview, std::string_view wanted);

}  // namespace growthlens::app
