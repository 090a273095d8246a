#pragma once
// Writes a clean Dataset back to CSV in its input schema, plus the derived transaction fields
// TotalAmount, InvoiceYearMonth and CohortMonth. Fields are quoted only when they must be.

#include <string>

#include "core/csv_field.h"  // AppendCsvField, which the commands use with this writer
#include "core/dataset.h"
#include "core/status.h"

namespace growthlens {

/// Writes to `path` atomically (see AtomicFile): a crash never leaves a half-written file.
Status WriteDatasetCsv(const Dataset& dataset, const std::string& path);

}  // namespace growthlens
