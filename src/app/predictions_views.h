#pragma once
// Views of Predictions (app/table_view.h) for the predictions analysis: the drivers in plain words
// and the scored users with their band, drivers, segment, persona and CLV.

#include <memory>
#include <string>
#include <vector>

#include "app/predictions_model.h"
#include "app/table_view.h"

namespace growthlens::app {

/// The RFM segment and persona names of a scored row, "" without one.
std::string UserSegmentName(const Predictions& predictions, size_t row);
std::string UserPersonaName(const Predictions& predictions, size_t row);

/// The kept model's `rows` most important features: column, in plain words, mean |contribution|.
View DriversView(const Predictions& predictions, size_t rows);

/// `count` of `order`'s rows from `first`: user, churn probability, band, drivers 1-3 in plain
/// words, segment, persona and, for transactions, country, CLV and value at risk.
View PredictionUsersView(std::shared_ptr<const Predictions> predictions,
                         std::shared_ptr<const std::vector<size_t>> order, size_t first,
                         size_t count);

}  // namespace growthlens::app
