#pragma once
// The segmentation's views live in the application layer (app/segment_views.h).

#include <string_view>

#include "app/segment_views.h"
#include "ml/segmentation.h"

namespace growthlens::cli {

using app::KSweepView;
using app::PersonasView;
using app::UserPersonasView;

/// --k: "" (default) the four tiers, "auto" the best silhouette, a number given.
inline Status ApplyKOption(std::string_view text, ml::SegmentationOptions& options) {
  return app::ApplyPersonaCount("k", text, options, app::Naming::kCli);
}

}  // namespace growthlens::cli
