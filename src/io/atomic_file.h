#pragma once
// AtomicFile: writes a file under a temporary name ("<path>.tmp.<pid>", locked while written)
// and publishes it with rename() after fsync, then syncs the directory, so a crash or kill
// leaves either the previous file or the complete new one, never a torn one. Temporaries that
// killed writers left are removed when the next write of the same path starts. Missing parent
// directories are created.
//
//   Result<AtomicFile> file = AtomicFile::Create("data/processed/report.json");
//   file->Write(text);
//   Status status = file->Commit();

#include <cstdio>
#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"

namespace growthlens {

class AtomicFile {
 public:
  static Result<AtomicFile> Create(const std::string& path);
  AtomicFile(AtomicFile&&) noexcept = default;
  AtomicFile& operator=(AtomicFile&&) noexcept = default;
  /// Removes the temporary file unless Commit() succeeded.
  ~AtomicFile();

  /// Appends bytes; false on a write error (reported again by Commit).
  bool Write(std::string_view bytes);
  /// Flushes to disk and renames into place.
  Status Commit();

 private:
  struct Closer {
    void operator()(std::FILE* file) const { std::fclose(file); }
  };
  AtomicFile(std::string path, std::string temporary, std::FILE* file);

  std::string path_;
  std::string temporary_;
  std::unique_ptr<std::FILE, Closer> file_;
  bool failed_ = false;
};

/// The whole of `text` as the file's new content, atomically.
Status WriteFileAtomically(const std::string& path, std::string_view text);

}  // namespace growthlens
