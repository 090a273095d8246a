#include "synth/block_pipeline.h"

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/stopwatch.h"

namespace growthlens::synth {
namespace {

/// One block's worth of output, owned by exactly one thread at a time: the worker that claimed
/// the block until it is `ready`, then the writer until it is written.
struct Slot {
  RowBuffer csv;
  std::string gzip;  // the compressed member when the sink wants gzip
  int64_t rows = 0;
  Status status;
  bool ready = false;
};

/// Produces block `block_idx` into `slot`, compressing it when asked.
void FillSlot(int64_t block_idx, const BlockProducer& produce, bool gzip, Slot& slot) {
  slot.csv.Clear();
  slot.rows = produce(block_idx, slot.csv);
  slot.status = Status::Ok();
  if (gzip) {
    slot.gzip.clear();
    slot.status = AppendGzipMember(slot.csv.view(), kDefaultGzipLevel, slot.gzip);
  }
}

/// Writes a filled slot and advances the totals; returns the write's status.
Status DrainSlot(const Slot& slot, int64_t block_idx, const BlockLayout& layout, OutputSink& sink,
                 GenerationSummary& summary, const ProgressCallback& progress) {
  GROWTHLENS_RETURN_IF_ERROR(slot.status);
  const std::string_view bytes = sink.gzip() ? std::string_view(slot.gzip) : slot.csv.view();
  GROWTHLENS_RETURN_IF_ERROR(sink.Write(bytes));
  summary.rows += slot.rows;
  summary.csv_bytes += static_cast<int64_t>(slot.csv.size());
  summary.output_bytes += static_cast<int64_t>(bytes.size());
  summary.entities = std::min(layout.entities, (block_idx + 1) * layout.entities_per_block);
  if (progress) {
    progress(
        GenerationProgress{summary.entities, layout.entities, summary.rows, summary.csv_bytes});
  }
  return Status::Ok();
}

/// The state the writer and the workers share, guarded by `mutex`.
class ParallelRun {
 public:
  ParallelRun(const BlockLayout& layout, const BlockProducer& produce, bool gzip, int window)
      : layout_(layout), produce_(produce), gzip_(gzip), slots_(static_cast<size_t>(window)) {}

  /// A worker's loop: claim the next block whose slot is free, fill it, hand it over.
  void Work() {
    const int64_t blocks = layout_.blocks();
    const auto window = static_cast<int64_t>(slots_.size());
    while (true) {
      int64_t block_idx = 0;
      {
        std::unique_lock lock(mutex_);
        slot_free_.wait(lock, [&] { return stop_ || next_block_ < written_ + window; });
        if (stop_ || next_block_ >= blocks) return;
        block_idx = next_block_++;
      }
      Slot& slot = slots_[static_cast<size_t>(block_idx % window)];
      FillSlot(block_idx, produce_, gzip_, slot);
      {
        std::lock_guard lock(mutex_);
        slot.ready = true;
      }
      block_ready_.notify_all();
    }
  }

  /// The writer's loop, on the caller's thread: blocks go out strictly in order.
  Status Write(OutputSink& sink, GenerationSummary& summary, const ProgressCallback& progress) {
    const int64_t blocks = layout_.blocks();
    const auto window = static_cast<int64_t>(slots_.size());
    for (int64_t block_idx = 0; block_idx < blocks; ++block_idx) {
      Slot& slot = slots_[static_cast<size_t>(block_idx % window)];
      {
        std::unique_lock lock(mutex_);
        block_ready_.wait(lock, [&] { return slot.ready; });
      }
      Status status = DrainSlot(slot, block_idx, layout_, sink, summary, progress);
      {
        std::lock_guard lock(mutex_);
        slot.ready = false;
        ++written_;
        if (!status.ok()) stop_ = true;
      }
      slot_free_.notify_all();
      if (!status.ok()) return status;
    }
    return Status::Ok();
  }

  /// Makes every worker return (after an error).
  void Stop() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    slot_free_.notify_all();
  }

 private:
  const BlockLayout& layout_;
  const BlockProducer& produce_;
  const bool gzip_;
  std::vector<Slot> slots_;
  std::mutex mutex_;
  std::condition_variable slot_free_;
  std::condition_variable block_ready_;
  int64_t next_block_ = 0;  // the next block a worker may claim
  int64_t written_ =
      0;  // blocks already written; slot (b % window) is free when b < written + window
  bool stop_ = false;
};

}  // namespace

int ResolveThreadCount(int requested) {
  if (requested > 0) return requested;
  const unsigned hardware = std::thread::hardware_concurrency();
  return hardware == 0 ? 1 : static_cast<int>(hardware);
}

Result<GenerationSummary> RunBlockPipeline(const BlockLayout& layout, const BlockProducer& produce,
                                           OutputSink& sink, const ProgressCallback& progress) {
  GenerationSummary summary;
  const int64_t blocks = layout.blocks();
  const int threads =
      static_cast<int>(std::clamp<int64_t>(layout.threads, 1, std::max<int64_t>(blocks, 1)));
  summary.threads = threads;

  if (threads == 1) {
    Slot slot;
    for (int64_t block_idx = 0; block_idx < blocks; ++block_idx) {
      FillSlot(block_idx, produce, sink.gzip(), slot);
      GROWTHLENS_RETURN_IF_ERROR(DrainSlot(slot, block_idx, layout, sink, summary, progress));
    }
  } else {
    // Two slots per thread keep every worker busy while the writer drains the oldest block,
    // and bound memory to a few blocks whatever the run's size.
    ParallelRun run(layout, produce, sink.gzip(), /*window=*/2 * threads);
    Status status;
    {
      std::vector<std::jthread> workers;
      workers.reserve(static_cast<size_t>(threads));
      for (int thread_idx = 0; thread_idx < threads; ++thread_idx) {
        workers.emplace_back([&run] { run.Work(); });
      }
      status = run.Write(sink, summary, progress);
      if (!status.ok()) run.Stop();
    }  // the workers join here
    GROWTHLENS_RETURN_IF_ERROR(status);
  }
  GROWTHLENS_RETURN_IF_ERROR(sink.Close());
  return summary;
}

Result<GenerationSummary> RunEntityBlocks(const BlockLayout& layout, std::string_view header,
                                          const EntityRangeWriter& write, OutputSink& sink,
                                          const ProgressCallback& progress) {
  const Stopwatch stopwatch;
  const BlockProducer produce = [&](int64_t block_idx, RowBuffer& out) {
    if (block_idx == 0) out.Append(header);
    const int64_t first_entity = block_idx * layout.entities_per_block;
    return write(first_entity, std::min(layout.entities, first_entity + layout.entities_per_block),
                 out);
  };
  Result<GenerationSummary> summary = RunBlockPipeline(layout, produce, sink, progress);
  if (!summary.ok()) return summary.status();
  summary->seconds = stopwatch.Seconds();
  return summary;
}

}  // namespace growthlens::synth
