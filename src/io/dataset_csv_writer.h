#pragma once
// Writes a clean Dataset back to CSV in its input schema, plus the derived transaction fields
// TotalAmount, InvoiceYearMonth and CohortMonth. Fields are quoted only when they must be.

#include <cstdint>
#include <string>

#include "core/csv_field.h"  // AppendCsvField, which the commands use with this writer
#include "core/dataset.h"
#include "core/status.h"

namespace growthlens {

/// Writes to `path` atomically (see AtomicFile): a crash never leaves a half-written file.
Status WriteDatasetCsv(const Dataset& dataset, const std::string& path);

/// Appends "2024-03-05T14:03:22.417Z", the UTC time of an event log's row, to `out`.
void AppendEventTime(Day day, int32_t ms_of_day, std::string& out);

}  // namespace growthlens
