#pragma once
// The persona model a command asks for by its `k`: the four value tiers (none given), the best
// silhouette ("auto") or a number of personas, bounded because each one is a KMeans fit.

#include <cstdint>
#include <string_view>

#include "app/param_spec.h"
#include "core/status.h"
#include "ml/segmentation.h"

namespace growthlens::app {

/// Most personas a request may ask for.
inline constexpr uint64_t kMaxPersonas = 1'000;

/// `text` ("", "tiers", "auto" or 2..kMaxPersonas) into `options`; errors name `name`.
Status ApplyPersonaCount(std::string_view name, std::string_view text, Naming naming,
                         ml::SegmentationOptions& options);

}  // namespace growthlens::app
