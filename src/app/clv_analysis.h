#pragma once
// clv: customer lifetime value from transactions. BG/NBD for repeat purchases and P(alive),
// Gamma-Gamma for spend per purchase (src/stats), each customer's purchase history
// (metrics/purchase_history.h); the parameters with standard errors, per customer expected
// purchases, P(alive), expected spend and discounted CLV, and a calibration-against-holdout
// table when --calibration-end leaves a holdout.

#include "app/analysis_registry.h"

namespace growthlens::app {

AnalysisEntry ClvAnalysis();

}  // namespace growthlens::app
