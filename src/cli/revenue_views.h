#pragma once
// The revenue views live in the application layer (app/revenue_views.h).

#include "app/revenue_views.h"

namespace growthlens::cli {

using app::kSeasonTables;
using app::NonProductLinesView;
using app::RevenueCountriesView;
using app::RevenueMonthlyView;
using app::RevenueProductsView;
using app::RevenueSeasonView;
using app::SeasonTable;
using app::StackedView;

}  // namespace growthlens::cli
