#pragma once
// Churn and CLV in words: the sentences of the Predictions page, each with the number it rests
// on (a share, a probability, an AUC), computed from Predictions alone.

#include <string>
#include <vector>

#include "app/predictions_model.h"
#include "metrics/insights.h"

namespace growthlens::app {

/// A churn feature column in plain words ("days since the last activity").
std::string PlainFeatureName(const std::string& column);

/// The sentences: the segment carrying the most value at risk (transactions), where the
/// high-risk users are (persona), the strongest driver, the value held by high-risk customers
/// and how well the model tells churners apart. Empty when there are no predictions.
std::vector<Insight> PredictionInsights(const Predictions& predictions);

}  // namespace growthlens::app
