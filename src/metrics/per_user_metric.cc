#include "metrics/per_user_metric.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "metrics/rfm.h"

namespace growthlens {

namespace {

enum class Source { kMonetary, kFrequency, kRecency, kAov };

struct MetricName {
  std::string_view name;
  Source source;
  const char* definition;
};

std::vector<MetricName> MetricsOf(DataKind kind) {
  if (ByKind(kind, true, false)) {
    return {{"events", Source::kMonetary, "total events per user (RFM monetary)"},
            {"active_days", Source::kFrequency, "distinct active days per user (RFM frequency)"},
            {"monetary", Source::kMonetary, "total events per user (RFM monetary)"},
            {"frequency", Source::kFrequency, "distinct active days per user (RFM frequency)"},
            {"recency", Source::kRecency, "days from the last active day to the reference day"}};
  }
  return {{"revenue", Source::kMonetary, "total amount per customer (RFM monetary)"},
          {"orders", Source::kFrequency, "distinct invoices per customer (RFM frequency)"},
          {"aov", Source::kAov, "revenue / orders per customer (average order value)"},
          {"monetary", Source::kMonetary, "total amount per customer (RFM monetary)"},
          {"frequency", Source::kFrequency, "distinct invoices per customer (RFM frequency)"},
          {"recency", Source::kRecency, "days from the last purchase to the reference day"}};
}

}  // namespace

std::vector<std::string_view> PerUserMetricNames(DataKind kind) {
  std::vector<std::string_view> names;
  for (const MetricName& metric : MetricsOf(kind)) names.push_back(metric.name);
  return names;
}

Result<PerUserValues> PerUserMetric(const Dataset& dataset, std::string_view name) {
  const std::vector<MetricName> metrics = MetricsOf(dataset.kind());
  const auto found = std::find_if(metrics.begin(), metrics.end(),
                                  [&](const MetricName& metric) { return metric.name == name; });
  if (found == metrics.end()) {
    return Status(
        ErrorCode::kInvalidArgument,
        fmt::format("not a per-user metric of {} data (one of: {})", DataKindName(dataset.kind()),
                    fmt::join(PerUserMetricNames(dataset.kind()), ", ")));
  }
  const RfmTable rfm = ComputeRfm(dataset, RfmOptions());
  PerUserValues out;
  out.definition = found->definition;
  out.value.resize(rfm.size());
  for (size_t idx = 0; idx < rfm.size(); ++idx) {
    switch (found->source) {
      case Source::kMonetary:
        out.value[idx] = rfm.monetary[idx];
        break;
      case Source::kFrequency:
        out.value[idx] = static_cast<double>(rfm.frequency[idx]);
        break;
      case Source::kRecency:
        out.value[idx] = rfm.recency[idx];
        break;
      case Source::kAov:
        out.value[idx] = rfm.frequency[idx] > 0
                             ? rfm.monetary[idx] / static_cast<double>(rfm.frequency[idx])
                             : 0.0;
        break;
    }
  }
  return out;
}

}  // namespace growthlens
