#include "core/temporary_files.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

namespace growthlens {

void HoldTemporary(int fd) {
  ::flock(fd, LOCK_EX | LOCK_NB);
}

void RemoveStaleTemporaries(const std::string& dir, std::string_view prefix) {
  std::error_code error;
  for (const auto& entry :
       std::filesystem::directory_iterator(dir.empty() ? std::string(".") : dir, error)) {
    if (!entry.path().filename().string().starts_with(prefix)) continue;
    const int fd = ::open(entry.path().c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) continue;
    if (::flock(fd, LOCK_EX | LOCK_NB) == 0) std::filesystem::remove(entry.path(), error);
    ::close(fd);
  }
}

Status SyncDirectory(const std::string& dir) {
  const int fd = ::open(dir.empty() ? "." : dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return Status(ErrorCode::kIoError,
                  fmt::format("{}: cannot open the directory ({})", dir, std::strerror(errno)));
  const bool synced = ::fsync(fd) == 0;
  const int sync_errno = errno;
  ::close(fd);
  if (!synced)
    return Status(ErrorCode::kIoError, fmt::format("{}: cannot sync the directory ({})", dir,
                                                   std::strerror(sync_errno)));
  return Status::Ok();
}

}  // namespace growthlens
