#pragma once
// The RFM views live in the application layer (app/rfm_views.h).

#include "app/rfm_views.h"

namespace growthlens::cli {

using app::RfmGridView;
using app::RfmSegmentsView;
using app::RfmUsersView;

}  // namespace growthlens::cli
