#pragma once
// Views of the lifecycle analysis, shared by `growthlens lifecycle`, `growthlens analyze` and
// the server. They refer to the results, which must outlive them.

#include "app/table_view.h"
#include "metrics/lifecycle.h"

namespace growthlens::app {

/// One row per period: new, returning, resurrecting, dormant, active, quick ratio, partial flag.
View LifecyclePeriodsView(const Lifecycle& lifecycle);
/// User-weeks per number of distinct active days 1..7, with shares.
View StickinessHistogramView(const StickinessHistogram& histogram);

}  // namespace growthlens::app
