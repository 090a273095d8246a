#pragma once
// The checksum a workspace records for each ingested file, so that ingesting the same file
// again is recognised before it is parsed. 64 bits of a fast non-cryptographic hash over the
// bytes, plus their count: a guard against accidents, not against someone forging a file.

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace growthlens::store {

struct FileChecksum {
  std::string text;  // "h64:<16 hex digits>:<bytes>"
  uint64_t bytes = 0;
};

Result<FileChecksum> ChecksumOfFile(const std::string& path);
/// The same checksum over bytes in memory (an upload).
FileChecksum ChecksumOfBytes(std::string_view bytes);

}  // namespace growthlens::store
