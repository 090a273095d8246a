#pragma once
// Helpers shared by the libFuzzer targets (fuzz/*_fuzz.cc): the fuzzer's bytes as text, and a
// file holding them for the readers that take a path.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string>
#include <string_view>

namespace growthlens::fuzz {

inline std::string_view AsText(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

/// Splits off the part before the first '\n' (an option string, a date format): the fuzzer
/// mutates both together. `rest` is what follows the line break, or "" when there is none.
inline std::string_view FirstLine(std::string_view text, std::string_view& rest) {
  const size_t newline = text.find('\n');
  if (newline == std::string_view::npos) {
    rest = {};
    return text;
  }
  rest = text.substr(newline + 1);
  return text.substr(0, newline);
}

/// A file in the temp directory, one per process (libFuzzer runs one input at a time), holding
/// the input's bytes; removed when the process ends.
class ScratchFile {
 public:
  ScratchFile()
      : path_((std::filesystem::temp_directory_path() /
               ("growthlens_fuzz_" + std::to_string(::getpid()) + ".csv"))
                  .string()) {}
  ~ScratchFile() { std::remove(path_.c_str()); }
  ScratchFile(const ScratchFile&) = delete;
  ScratchFile& operator=(const ScratchFile&) = delete;

  /// Replaces the file's content; its path stays the same.
  const std::string& Write(std::string_view bytes) {
    std::FILE* file = std::fopen(path_.c_str(), "wb");
    if (file != nullptr) {
      std::fwrite(bytes.data(), 1, bytes.size(), file);
      std::fclose(file);
    }
    return path_;
  }

 private:
  std::string path_;
};

}  // namespace growthlens::fuzz
