#include "store/file_checksum.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "core/hash.h"

namespace growthlens::store {

namespace {

constexpr size_t kChunk = size_t{1} << 20;

class Hasher {
 public:
  void Add(std::string_view bytes) {
    for (size_t at = 0; at < bytes.size(); at += kChunk) {
      hash_ = HashCombine(hash_, HashBytes(bytes.substr(at, kChunk)));
    }
    bytes_ += bytes.size();
  }
  FileChecksum Finish() const {
    return {fmt::format("h64:{:016x}:{}", HashCombine(hash_, bytes_), bytes_), bytes_};
  }

 private:
  uint64_t hash_ = 0;
  uint64_t bytes_ = 0;
};

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};

}  // namespace

Result<FileChecksum> ChecksumOfFile(const std::string& path) {
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file)
    return Status(ErrorCode::kIoError,
                  fmt::format("cannot open {}: {}", path, std::strerror(errno)));
  Hasher hasher;
  std::vector<char> buffer(kChunk);
  for (;;) {
    const size_t got = std::fread(buffer.data(), 1, buffer.size(), file.get());
    if (got > 0) hasher.Add(std::string_view(buffer.data(), got));
    if (got < buffer.size()) {
      if (std::ferror(file.get()))
        return Status(ErrorCode::kIoError, fmt::format("cannot read {}", path));
      break;
    }
  }
  return hasher.Finish();
}

FileChecksum ChecksumOfBytes(std::string_view bytes) {
  Hasher hasher;
  // The same 1 MiB chunks as a file read gives.
  hasher.Add(bytes);
  return hasher.Finish();
}

}  // namespace growthlens::store
