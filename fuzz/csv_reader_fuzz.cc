// The CSV reader on text in memory (the upload path): header mapping, the RFC 4180 cursor and
// its plain-record fast path, the chunk parser on one and on two threads (chunk starts guessed
// inside quoted fields are parsed again), encodings and cleaning. The first byte picks the
// options, the rest is the file.

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_input.h"
#include "prep/ingest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t choice = data[0];
  const std::string_view text = growthlens::fuzz::AsText(data + 1, size - 1);
  growthlens::IngestOptions options;
  options.read.threads = (choice & 1) != 0 ? 2 : 1;
  options.read.cut_unclosed_quotes = (choice & 2) != 0;
  if ((choice & 4) != 0) options.read.max_quoted_bytes = 64;
  if ((choice & 8) != 0) options.strict = true;
  static constexpr char kDelimiters[] = {0, ';', '\t', '|'};
  if (const char delimiter = kDelimiters[(choice >> 4) & 3]; delimiter != 0)
    options.read.delimiter = delimiter;
  if ((choice & 0x40) != 0) options.encoding = growthlens::Encoding::kUtf8;
  if ((choice & 0x80) != 0) options.read.date_format = "%d.%m.%Y %H:%M";
  (void)growthlens::IngestText(std::string(text), "fuzz.csv", options);
  return 0;
}
