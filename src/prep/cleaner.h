#pragma once
// Applies the cleaning rules to a StagedTable and builds the Dataset from the rows kept.

#include "core/dataset.h"
#include "core/status.h"
#include "io/csv_table_reader.h"
#include "prep/cleaning_report.h"
#include "prep/cleaning_rules.h"

namespace growthlens {

struct CleanedData {
  Dataset dataset;
  CleaningReport report;
};

/// Cleans `read` (consumed). With `strict`, any malformed row is an error naming its line.
Result<CleanedData> CleanStagedTable(CsvReadResult&& read, const CleaningOptions& options,
                                     unsigned threads, bool strict, size_t max_examples = 5);

}  // namespace growthlens
