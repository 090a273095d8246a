// What checking a workspace access key costs each request (issue 19.2): the server looks every
// presented key up by its SHA-256 in the workspace file (one indexed SQLite query, no cache), so
// that a revocation counts from the next request on. Measured: the hash alone, a lookup of a
// valid key and of a wrong one among 1,000 keys, in a workspace that also holds data. The
// alternative a user would otherwise pick is a reverse proxy's static key list (nginx map:
// no revocation without a reload).
//
//   build/bench/access_key_benchmark

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "bench_util.h"
#include "store/access_keys.h"

namespace growthlens {
namespace {

constexpr int kKeys = 1000;

struct KeyedWorkspace {
  store::KeyStore keys;
  std::string valid;
};

KeyedWorkspace& Workspace() {
  static KeyedWorkspace* made = [] {
    const std::string path = bench::ScratchDir() + "/access_keys.glw";
    std::filesystem::remove(path);
    Result<store::KeyStore> keys = store::KeyStore::Open(path, store::OpenMode::kCreate);
    if (!keys.ok()) std::abort();
    std::string valid;
    for (int key = 0; key < kKeys; ++key) {
      Result<store::CreatedKey> created =
          keys->Create(key % 2 ? store::KeyRole::kRead : store::KeyRole::kWrite, "bench");
      if (!created.ok()) std::abort();
      if (key == kKeys / 2) valid = created->secret;
    }
    return new KeyedWorkspace{std::move(*keys), valid};
  }();
  return *made;
}

void BM_KeyHash(benchmark::State& state) {
  const std::string key = "glw_abcdefghijklmnopqrstuvwxyz234567abcd";
  for (auto _ : state) benchmark::DoNotOptimize(store::KeyHash(key));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_KeyHash);

void BM_FindValidKey(benchmark::State& state) {
  KeyedWorkspace& workspace = Workspace();
  for (auto _ : state) {
    Result<std::optional<store::KeyMatch>> match = workspace.keys.Find(workspace.valid);
    if (!match.ok() || !match->has_value()) state.SkipWithError("the key was not found");
    benchmark::DoNotOptimize(match);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FindValidKey);

void BM_FindWrongKey(benchmark::State& state) {
  KeyedWorkspace& workspace = Workspace();
  const std::string wrong = "glw_" + std::string(40, 'q');
  for (auto _ : state) {
    Result<std::optional<store::KeyMatch>> match = workspace.keys.Find(wrong);
    if (!match.ok() || match->has_value()) state.SkipWithError("a wrong key was found");
    benchmark::DoNotOptimize(match);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FindWrongKey);

}  // namespace
}  // namespace growthlens

BENCHMARK_MAIN();
