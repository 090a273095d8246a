#pragma once
// Ingest: the whole path from a CSV file (or text in memory) to a clean Dataset and its report.
//
//   IngestOptions options;  // defaults: detect everything, every rule on
//   Result<CleanedData> data = IngestFile("online_retail.csv", options);

#include <string>

#include "io/csv_table_reader.h"
#include "io/encoding.h"
#include "prep/cleaner.h"

namespace growthlens {

struct IngestOptions {
  Encoding encoding = Encoding::kAuto;
  CsvReadOptions read;
  CleaningOptions cleaning;
  bool strict = false;
  GzipLimits gzip;  // for .gz files
};

Result<CleanedData> IngestFile(const std::string& path, const IngestOptions& options);
/// For uploads and tests; `name` stands for the file in messages.
Result<CleanedData> IngestText(std::string text, const std::string& name,
                               const IngestOptions& options);

}  // namespace growthlens
