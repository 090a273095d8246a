#include "prep/ingest.h"

#include <filesystem>

#include "core/stopwatch.h"
#include "io/ndjson_reader.h"

namespace growthlens {

namespace {

Result<CleanedData> IngestBuffer(Result<InputBuffer> buffer, const std::string& name,
                                 const IngestOptions& options, const Stopwatch& stopwatch) {
  if (!buffer.ok()) return buffer.status();
  // NDJSON by its name, or by its first character; anything else is CSV.
  Result<CsvReadResult> read = LooksLikeNdjson(name, buffer->text())
                                   ? ReadNdjson(*buffer, name, options.read)
                                   : ReadCsv(*buffer, name, options.read);
  if (!read.ok()) return read.status();
  const double read_seconds = stopwatch.Seconds();
  Result<CleanedData> cleaned =
      CleanStagedTable(std::move(read).value(), options.cleaning, options.read.threads,
                       options.strict, options.read.max_examples);
  if (cleaned.ok()) cleaned->report.read_seconds = read_seconds;
  return cleaned;
}

}  // namespace

Result<CleanedData> IngestFile(const std::string& path, const IngestOptions& options) {
  const Stopwatch stopwatch;
  const std::string name = std::filesystem::path(path).filename().string();
  return IngestBuffer(InputBuffer::Load(path, options.encoding, Utf8Check::kByReader, options.gzip),
                      name, options, stopwatch);
}

Result<CleanedData> IngestText(std::string text, const std::string& name,
                               const IngestOptions& options) {
  const Stopwatch stopwatch;
  return IngestBuffer(InputBuffer::FromText(std::move(text), options.encoding, name), name, options,
                      stopwatch);
}

}  // namespace growthlens
