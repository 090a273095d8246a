#include "stats/metric_arms.h"

namespace growthlens::stats {

const char* MetricTypeName(MetricType type) {
  switch (type) {
    case MetricType::kMean:
      return "mean";
    case MetricType::kProportion:
      return "proportion";
    case MetricType::kRatio:
      return "ratio";
  }
  return "mean";
}

}  // namespace growthlens::stats
