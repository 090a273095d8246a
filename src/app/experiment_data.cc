#include "app/experiment_data.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

namespace growthlens::app {

namespace {

/// Per-user options make no sense on a summary file: say so instead of ignoring them.
Status CheckSummaryOptions(const std::string& name, const PerUserOptions& options) {
  std::vector<std::string> given;
  const auto note = [&](bool set, std::string_view option) {
    if (set) given.push_back(ShownName(option, options.naming));
  };
  note(!options.variant_column.empty(), "variant-col");
  note(!options.metrics.empty(), "metrics");
  note(!options.covariates.empty(), "covariate");
  note(!options.ratios.empty(), "ratio");
  note(options.winsorize.has_value(), "winsorize");
  if (given.empty()) return Status::Ok();
  return Status(ErrorCode::kInvalidArgument,
                fmt::format("{}: {} is a per-arm summary (header variant, metric, n); these "
                            "options need one row per user",
                            fmt::join(given, ", "), name));
}

}  // namespace

Result<ExperimentData> ReadExperiment(std::string_view text, const std::string& name,
                                      const PerUserOptions& options) {
  Result<CsvPreview> preview = PreviewCsv(text, name);
  if (!preview.ok()) return preview.status();
  if (LooksLikeSummary(*preview)) {
    GROWTHLENS_RETURN_IF_ERROR(CheckSummaryOptions(name, options));
    return ReadSummaryExperiment(text, name, *preview);
  }
  return ReadPerUserExperiment(text, name, *preview, options);
}

}  // namespace growthlens::app
