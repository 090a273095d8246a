#pragma once
// A set of keys that grows a batch at a time and is searched between batches (the live fold's
// stored event keys, store/row_keys.h). It keeps sorted runs of decreasing size and merges a new
// run into the last ones only while they are not larger (as a binary counter carries): adding n
// keys to a set of N costs about n log(N/n), not N. A merged run is kept in chunks, and a merge
// frees each input chunk once it has read it, so a merge holds about two chunks more than the
// keys, not a second copy of the runs it merges; a batch just sealed is one chunk until merged
// (a large first batch, a day's stored keys, is held twice while it is merged).

#include <algorithm>
#include <cstddef>
#include <utility>
#include <vector>

namespace growthlens::store {

template <typename Key>
class SortedRuns {
 public:
  /// Room for `keys` more before the next Seal (an exact size saves the doubling's slack).
  void Reserve(size_t keys) { pending_.reserve(pending_.size() + keys); }
  void Add(Key key) { pending_.push_back(key); }
  /// Makes the keys added since the last Seal searchable.
  void Seal();
  bool Contains(Key key) const;
  size_t size() const;
  /// The bytes the keys' storage takes (allocated, not only used), for measurement.
  size_t bytes() const;

  /// Keys a merge writes per chunk: 512 KB of 64-bit keys.
  static constexpr size_t kChunkKeys = size_t{1} << 16;

 private:
  struct Run {
    std::vector<std::vector<Key>> chunks;  // non-empty, sorted, each after the one before
    std::vector<Key> firsts;               // the first key of each chunk
    size_t size = 0;
  };
  static Run Merge(Run older, Run newer);

  std::vector<Run> runs_;  // sizes decrease
  std::vector<Key> pending_;
};

template <typename Key>
void SortedRuns<Key>::Seal() {
  if (pending_.empty()) return;
  std::sort(pending_.begin(), pending_.end());
  Run run;
  run.size = pending_.size();
  run.firsts.push_back(pending_.front());
  run.chunks.push_back(std::exchange(pending_, std::vector<Key>()));
  while (!runs_.empty() && runs_.back().size <= run.size) {
    Run older = std::move(runs_.back());
    runs_.pop_back();
    run = Merge(std::move(older), std::move(run));
  }
  runs_.push_back(std::move(run));
}

template <typename Key>
typename SortedRuns<Key>::Run SortedRuns<Key>::Merge(Run older, Run newer) {
  // Reads a run front to back, freeing each chunk once it is read.
  struct Cursor {
    Run& run;
    size_t index = 0, at = 0;  // chunk, key in it
    bool done() const { return index == run.chunks.size(); }
    const Key& key() const { return run.chunks[index][at]; }
    void Next() {
      if (++at < run.chunks[index].size()) return;
      run.chunks[index] = std::vector<Key>();
      ++index;
      at = 0;
    }
  };
  Run merged;
  merged.size = older.size + newer.size;
  merged.chunks.reserve((merged.size + kChunkKeys - 1) / kChunkKeys);
  merged.firsts.reserve(merged.chunks.capacity());
  Cursor a{older}, b{newer};
  std::vector<Key> chunk;
  for (size_t written = 0; written < merged.size;) {
    const size_t fill = std::min(kChunkKeys, merged.size - written);
    chunk.reserve(fill);
    while (chunk.size() < fill && !a.done() && !b.done()) {
      Cursor& from = b.key() < a.key() ? b : a;
      chunk.push_back(from.key());
      from.Next();
    }
    for (Cursor* rest : {&a, &b})
      while (chunk.size() < fill && !rest->done()) {
        chunk.push_back(rest->key());
        rest->Next();
      }
    written += chunk.size();
    merged.firsts.push_back(chunk.front());
    merged.chunks.push_back(std::exchange(chunk, std::vector<Key>()));
  }
  return merged;
}

template <typename Key>
bool SortedRuns<Key>::Contains(Key key) const {
  for (const Run& run : runs_) {
    const auto after = std::upper_bound(run.firsts.begin(), run.firsts.end(), key);
    if (after == run.firsts.begin()) continue;  // before the run's first key
    const std::vector<Key>& chunk = run.chunks[static_cast<size_t>(after - run.firsts.begin()) - 1];
    if (std::binary_search(chunk.begin(), chunk.end(), key)) return true;
  }
  return false;
}

template <typename Key>
size_t SortedRuns<Key>::size() const {
  size_t keys = pending_.size();
  for (const Run& run : runs_) keys += run.size;
  return keys;
}

template <typename Key>
size_t SortedRuns<Key>::bytes() const {
  size_t total = pending_.capacity() * sizeof(Key) + runs_.capacity() * sizeof(Run);
  for (const Run& run : runs_) {
    total += run.chunks.capacity() * sizeof(std::vector<Key>) + run.firsts.capacity() * sizeof(Key);
    for (const std::vector<Key>& chunk : run.chunks) total += chunk.capacity() * sizeof(Key);
  }
  return total;
}

}  // namespace growthlens::store
