// A workspace block (src/store/block_codec.h), as a damaged or hostile workspace file would hand
// it over: the first byte picks the compressed form (what the file stores) or the decompressed
// one (so that the fuzzer reaches the column parser without building zstd frames). Every column
// is read as every type; an integer column that decodes is written again, as varints and as delta
// planes, and must decode to the same values.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_input.h"
#include "store/block_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace growthlens;
  if (size == 0) return 0;
  const std::string_view bytes = fuzz::AsText(data + 1, size - 1);
  Result<store::BlockReader> reader = data[0] % 2 == 0
                                          ? store::BlockReader::Open(bytes, "fuzz block")
                                          : store::BlockReader::Parse(std::string(bytes), "fuzz");
  if (!reader.ok()) return 0;
  const uint32_t rows = reader->rows();
  for (const std::string_view name : reader->Names()) {
    std::vector<int64_t> wide(rows);
    std::vector<uint16_t> narrow(rows);
    std::vector<double> doubles(rows);
    std::vector<std::string_view> strings;
    (void)reader->Integers(name, narrow.data());
    (void)reader->Doubles(name, doubles.data());
    (void)reader->Strings(name, strings);
    if (!reader->Integers(name, wide.data()).ok()) continue;
    for (const bool planes : {false, true}) {
      store::BlockWriter writer(rows);
      if (planes)
        writer.DeltaPlanes(name, std::span<const int64_t>(wide));
      else
        writer.Integers(name, std::span<const int64_t>(wide));
      Result<std::string> payload = writer.Compress(1);
      if (!payload.ok()) std::abort();
      Result<store::BlockReader> again = store::BlockReader::Open(*payload, "again");
      std::vector<int64_t> back(rows);
      if (!again.ok() || !again->Integers(name, back.data()).ok() || back != wide) std::abort();
    }
  }
  return 0;
}
