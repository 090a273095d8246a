// The CSV reader on a file (the CLI path): the input is memory-mapped and its UTF-8 check left
// to the reader, which checks each block ahead of the parser and releases the pages behind it;
// gzip input (bytes starting 1F 8B) is inflated with its limits; UTF-16 is transcoded. The
// whole input is the file.

#include <cstddef>
#include <cstdint>

#include "fuzz_input.h"
#include "prep/ingest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static growthlens::fuzz::ScratchFile file;
  const std::string& path = file.Write(growthlens::fuzz::AsText(data, size));
  growthlens::IngestOptions options;
  options.read.threads = size % 2 == 0 ? 1 : 2;
  options.gzip.max_inflated_bytes = 64 << 20;  // a bomb must stop early, not exhaust memory
  (void)growthlens::IngestFile(path, options);
  return 0;
}
