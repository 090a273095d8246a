#pragma once
// Runs a generator over fixed blocks of entities on several threads and writes the blocks in
// order. Block boundaries and each entity's random stream depend only on the options, so the
// bytes are the same for any thread count; threads only change how many blocks are in flight.

#include <cstdint>
#include <functional>
#include <string_view>

#include "core/status.h"
#include "synth/generation.h"
#include "synth/output_sink.h"
#include "synth/row_buffer.h"

namespace growthlens::synth {

/// Fills `out` (empty on entry) with the CSV of block `block_idx` and returns its number of
/// data rows. Called concurrently for different blocks, so it must only read shared state.
using BlockProducer = std::function<int64_t(int64_t block_idx, RowBuffer& out)>;

/// How the entities split into blocks.
struct BlockLayout {
  int64_t entities = 0;            // total users or customers
  int64_t entities_per_block = 1;  // the last block may hold fewer
  int threads = 1;                 // generator threads; 1 runs everything on the caller's thread

  int64_t blocks() const { return (entities + entities_per_block - 1) / entities_per_block; }
};

/// The number of threads to use for a request: `requested` when positive, else the
/// hardware's concurrency (at least 1).
int ResolveThreadCount(int requested);

/// Produces every block of `layout`, compresses them when the sink wants gzip, writes them to
/// `sink` in block order and closes it. Progress is reported after each block.
/// Fills every field of the summary except `seconds`, which the caller measures.
Result<GenerationSummary> RunBlockPipeline(const BlockLayout& layout, const BlockProducer& produce,
                                           OutputSink& sink, const ProgressCallback& progress);

/// Fills `out` with the rows of entities [first_entity, end_entity) and returns their number.
/// Called concurrently for different ranges, so it must only read shared state.
using EntityRangeWriter =
    std::function<int64_t(int64_t first_entity, int64_t end_entity, RowBuffer& out)>;

/// A generator whose blocks are just ranges of entities: `header` opens block 0, then each
/// block is `write` of its range. Fills the whole summary, `seconds` included.
Result<GenerationSummary> RunEntityBlocks(const BlockLayout& layout, std::string_view header,
                                          const EntityRangeWriter& write, OutputSink& sink,
                                          const ProgressCallback& progress);

}  // namespace growthlens::synth
