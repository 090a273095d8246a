#pragma once
// Views of a ClvResult for `growthlens clv` and GET /api/v1/clv: the models' parameters with
// standard errors, the calibration-against-holdout table and the customers by CLV.

#include <cstddef>

#include "app/clv_model.h"
#include "app/table_view.h"

namespace growthlens::app {

/// model, parameter, estimate, std_error: BG/NBD's r, alpha, a, b and Gamma-Gamma's p, q, gamma.
View ClvParametersView(const ClvResult& clv);
/// Calibration frequency 0..6 and 7+, then a total: customers, actual and predicted holdout
/// repeat purchases (sums and per customer).
View ClvHoldoutView(const ClvResult& clv);
/// The first `rows` customers by CLV, highest first.
View ClvCustomersView(const ClvResult& clv, size_t rows);

}  // namespace growthlens::app
