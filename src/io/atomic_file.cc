#include "io/atomic_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "core/temporary_files.h"

namespace growthlens {

namespace {

constexpr std::string_view kTemporaryInfix = ".tmp.";

std::string ParentOf(const std::string& path) {
  return std::filesystem::path(path).parent_path().string();
}

}  // namespace

AtomicFile::AtomicFile(std::string path, std::string temporary, std::FILE* file)
    : path_(std::move(path)), temporary_(std::move(temporary)), file_(file) {}

Result<AtomicFile> AtomicFile::Create(const std::string& path) {
  const std::filesystem::path target(path);
  std::error_code error;
  if (target.has_parent_path()) std::filesystem::create_directories(target.parent_path(), error);
  if (error)
    return Status(ErrorCode::kIoError,
                  fmt::format("{}: cannot create its directory ({})", path, error.message()));
  RemoveStaleTemporaries(ParentOf(path), target.filename().string() + std::string(kTemporaryInfix));
  std::string temporary = fmt::format("{}{}{}", path, kTemporaryInfix, ::getpid());
  std::FILE* file = std::fopen(temporary.c_str(), "wbe");
  if (file == nullptr)
    return Status(ErrorCode::kIoError,
                  fmt::format("{}: cannot write ({})", temporary, std::strerror(errno)));
  // Held until the file is closed: the mark of a live writer (see RemoveStaleTemporaries).
  HoldTemporary(fileno(file));
  return AtomicFile(path, std::move(temporary), file);
}

AtomicFile::~AtomicFile() {
  if (file_ == nullptr) return;  // committed, or moved from
  file_.reset();
  std::error_code ignored;  // best effort: the temporary name is never read
  std::filesystem::remove(temporary_, ignored);
}

bool AtomicFile::Write(std::string_view bytes) {
  if (failed_) return false;
  failed_ = std::fwrite(bytes.data(), 1, bytes.size(), file_.get()) != bytes.size();
  return !failed_;
}

Status AtomicFile::Commit() {
  const bool synced =
      !failed_ && std::fflush(file_.get()) == 0 && ::fsync(fileno(file_.get())) == 0;
  // Renamed while still open (and locked), so a sweep never takes a finished temporary.
  std::error_code error;
  if (synced) std::filesystem::rename(temporary_, path_, error);
  const int write_errno = errno;
  const bool closed = std::fclose(file_.release()) == 0;
  if (!synced || !closed) {
    std::filesystem::remove(synced ? path_ : temporary_, error);
    return Status(ErrorCode::kIoError,
                  fmt::format("{}: write failed ({})", path_,
                              write_errno != 0 ? std::strerror(write_errno) : "disk full?"));
  }
  if (error) {
    std::filesystem::remove(temporary_, error);
    return Status(ErrorCode::kIoError, fmt::format("{}: {}", path_, error.message()));
  }
  // The rename itself must reach the disk: sync the directory that holds both names.
  return SyncDirectory(ParentOf(path_));
}

Status WriteFileAtomically(const std::string& path, std::string_view text) {
  Result<AtomicFile> file = AtomicFile::Create(path);
  if (!file.ok()) return file.status();
  file->Write(text);
  return file->Commit();
}

}  // namespace growthlens
