#pragma once
// The cohort views live in the application layer (app/cohort_views.h).

#include "app/cohort_views.h"

namespace growthlens::cli {

using app::BuildCohortGrid;
using app::CohortGrid;
using app::CohortGridNotes;
using app::CohortGridView;
using app::CohortValues;
using app::RetentionMode;

}  // namespace growthlens::cli
