#pragma once
// Reading and cleaning a large usage or event log a chunk of lines at a time, with the same kept
// rows and the same cleaning report as reading it whole, so that a caller sending the rows on
// (the ClickHouse ingest) holds one chunk, not the file.
//
// Every rule but one looks at a row alone; the duplicate rule drops a row equal to an earlier
// one, and equal rows share their user and their day. So the chunks are cut where the user
// changes (logs grouped by user) or the day changes (logs in time order), whichever changes less
// often, and a first pass over the file checks that every row of a chunk has a user or a day no
// earlier chunk has: then no row can repeat a row of another chunk. Files where that does not
// hold (no order), and what the chunks could read differently from the whole file, are read
// whole: gzip or non-UTF-8 text, NDJSON, transactions (cancellations are netted across the
// file), signup columns (conflicting signups are counted per user), --strict, a date format or
// properties that a chunk would detect differently. `whole_file_reason()` says which.
//
//   Result<ChunkedFile> file = ChunkedFile::Plan(path, options, 64 << 20);
//   if (file->whole_file_reason().empty())
//     for (size_t chunk = 0; chunk < file->chunks(); ++chunk) {
//       Result<CleanedData> part = file->Clean(chunk);  // file lines in the examples
//       AddChunkReport(total, std::move(part->report), options.read.max_examples);
//     }

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "io/input_buffer.h"
#include "prep/cleaner.h"
#include "prep/ingest.h"

namespace growthlens {

/// Smallest chunk: below it the header and the per-chunk work dominate.
inline constexpr size_t kMinChunkBytes = 4096;
/// Default chunk: about 380k events of a typical event log (10M events: 136 MB peak, 287 MB
/// with 64 MiB chunks; docs/BENCHMARKS.md).
inline constexpr size_t kDefaultChunkBytes = size_t{16} << 20;

class ChunkedFile {
 public:
  /// The first pass: cuts the file into chunks of about `chunk_bytes` and checks they clean
  /// as the whole file does. A file that must be read whole is no error: see whole_file_reason.
  static Result<ChunkedFile> Plan(const std::string& path, const IngestOptions& options,
                                  size_t chunk_bytes);

  /// Empty when the chunks clean exactly as the whole file; else why the file is read whole.
  const std::string& whole_file_reason() const { return whole_file_reason_; }
  size_t chunks() const { return chunks_.size(); }
  DataKind kind() const { return kind_; }
  /// The whole file as the report describes it (name, bytes, encoding, BOM).
  const CsvSourceInfo& source() const { return source_; }

  /// Reads and cleans chunk `index`; its report's examples carry the file's line numbers.
  Result<CleanedData> Clean(size_t index) const;

 private:
  struct Chunk {
    size_t begin = 0;         // in input_.text()
    size_t end = 0;           //
    uint64_t line_shift = 0;  // added to the chunk's line numbers to make file lines
  };

  std::string name_;
  IngestOptions options_;
  std::unique_ptr<InputBuffer> input_;
  std::string header_;  // the header record, with its line break
  std::vector<Chunk> chunks_;
  DataKind kind_ = DataKind::kUsage;
  CsvSourceInfo source_;
  std::string whole_file_reason_;
};

/// Adds a chunk's report (the next chunk, in file order) to `total`: counts summed, the first
/// `max_examples` examples of each reason kept, the rest taken from the first chunk.
void AddChunkReport(CleaningReport& total, CleaningReport&& part, size_t max_examples);

}  // namespace growthlens
