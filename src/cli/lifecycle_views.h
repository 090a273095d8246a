#pragma once
// The lifecycle views live in the application layer (app/lifecycle_views.h).

#include "app/lifecycle_views.h"

namespace growthlens::cli {

using app::LifecyclePeriodsView;
using app::StickinessHistogramView;

}  // namespace growthlens::cli
