#include "bench_util.h"

#include <sys/resource.h>

#include <cstdlib>
#include <filesystem>

namespace growthlens::bench {

int64_t PeakRssBytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<int64_t>(usage.ru_maxrss) * 1024;
}

std::string ScratchDir() {
  const char* configured = std::getenv("GROWTHLENS_BENCH_DIR");
  std::string dir = configured != nullptr ? configured : "/tmp/growthlens-bench";
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace growthlens::bench
