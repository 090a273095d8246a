// The NDJSON events reader (io/ndjson_reader.h) and the cleaning behind it: any bytes, read as
// the lines of an events.ndjson upload, on one or two threads, with and without a --where
// filter and a --property selection (chosen by the input's size), must give a dataset or a
// clear error, never a crash.

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_input.h"
#include "prep/ingest.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  growthlens::IngestOptions options;
  options.read.threads = size % 2 == 0 ? 1 : 2;
  if (size % 3 == 0) options.read.columns.where = {{"plan", "pro"}};
  if (size % 5 == 0) options.read.columns.properties.names = {"platform"};
  (void)growthlens::IngestText(std::string(growthlens::fuzz::AsText(data, size)), "events.ndjson",
                               options);
  return 0;
}
