#pragma once
// Event names given as parameters (paths' start, end and exclude; cohorts' start-event and
// return-event), looked up in a log's dictionary of event (feature) names.

#include <cstdint>
#include <string_view>

#include "app/param_spec.h"
#include "core/status.h"
#include "core/usage_log.h"

namespace growthlens::app {

/// The code of `name`, or a message naming the parameter, the data and some of its events.
Result<uint16_t> EventCodeOf(const UsageLog& log, std::string_view param, std::string_view name,
                             Naming naming, std::string_view source);

}  // namespace growthlens::app
