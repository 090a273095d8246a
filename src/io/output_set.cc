#include "io/output_set.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <set>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/temporary_files.h"

namespace growthlens {

namespace fs = std::filesystem;

namespace {

Status IoError(const std::string& what, const std::string& path) {
  return Status(ErrorCode::kIoError, fmt::format("{}: {} ({})", path, what, std::strerror(errno)));
}

/// An open file descriptor, closed (and so unlocked) on every path.
class Descriptor {
 public:
  explicit Descriptor(int fd = -1) : fd_(fd) {}
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  Descriptor(Descriptor&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Descriptor& operator=(Descriptor&&) = delete;
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int get() const { return fd_; }
  int Release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

/// Holds the set's lock file while publishing or sweeping: one run at a time changes a set.
Result<Descriptor> LockSet(const fs::path& state, const std::string& name) {
  const std::string path = (state / (name + ".lock")).string();
  Descriptor lock(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644));
  if (lock.get() < 0) return IoError("cannot open the output lock", path);
  if (::flock(lock.get(), LOCK_EX) != 0) return IoError("cannot lock", path);
  return lock;
}

/// The run directory the set's switch link names, or "" when the set was never published.
std::string CurrentRun(const fs::path& state, const std::string& name) {
  std::error_code error;
  const fs::path target = fs::read_symlink(state / name, error);
  return error ? std::string() : target.filename().string();
}

/// Removes the set's run directories that no live run holds and that are not current, and the
/// temporary links an interrupted publication left. The set's lock is held.
void SweepStaleRuns(const fs::path& state, const std::string& name) {
  const std::string current = CurrentRun(state, name);
  const std::string prefix = name + ".";
  std::error_code error;
  std::vector<fs::path> stale;
  for (const fs::directory_entry& entry : fs::directory_iterator(state, error)) {
    const std::string file = entry.path().filename().string();
    if (!file.starts_with(prefix) || file == current || file == name + ".lock") continue;
    if (file.starts_with(name + ".link.")) {
      stale.push_back(entry.path());
      continue;
    }
    if (!entry.is_directory(error) || entry.is_symlink(error)) continue;
    // A live run keeps its directory locked; a killed one's lock went with its process.
    Descriptor run(::open(entry.path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (run.get() >= 0 && ::flock(run.get(), LOCK_EX | LOCK_NB) == 0) stale.push_back(entry.path());
  }
  for (const fs::path& path : stale) fs::remove_all(path, error);
}

/// The regular files of a run directory.
std::set<std::string> FilesOf(const fs::path& run) {
  std::set<std::string> files;
  std::error_code error;
  for (const fs::directory_entry& entry : fs::directory_iterator(run, error))
    if (entry.is_regular_file(error)) files.insert(entry.path().filename().string());
  return files;
}

/// Makes `link` a symbolic link to `target`, replacing what is there in one rename.
Status ReplaceWithLink(const fs::path& link, const fs::path& target, const fs::path& temporary) {
  std::error_code error;
  fs::remove(temporary, error);
  fs::create_symlink(target, temporary, error);
  if (!error) fs::rename(temporary, link, error);
  if (error) {
    fs::remove(temporary, error);
    return Status(ErrorCode::kIoError,
                  fmt::format("{}: cannot publish ({})", link.string(), error.message()));
  }
  return Status::Ok();
}

}  // namespace

OutputSet::OutputSet(std::string dir, std::string name, std::string run_name, int run_lock)
    : dir_(std::move(dir)),
      name_(std::move(name)),
      run_name_(std::move(run_name)),
      run_dir_((fs::path(dir_) / kOutputStateDir / run_name_).string()),
      run_lock_(run_lock) {}

OutputSet::OutputSet(OutputSet&& other) noexcept
    : dir_(std::move(other.dir_)),
      name_(std::move(other.name_)),
      run_name_(std::move(other.run_name_)),
      run_dir_(std::move(other.run_dir_)),
      run_lock_(std::exchange(other.run_lock_, -1)),
      committed_(std::exchange(other.committed_, true)) {}

OutputSet::~OutputSet() {
  if (!committed_ && !run_dir_.empty()) {
    std::error_code ignored;
    fs::remove_all(run_dir_, ignored);
  }
  if (run_lock_ >= 0) ::close(run_lock_);
}

Result<OutputSet> OutputSet::Begin(const std::string& dir, const std::string& name) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos)
    return Status(ErrorCode::kInvalidArgument, fmt::format("output set '{}': not a name", name));
  const fs::path state = fs::path(dir) / kOutputStateDir;
  std::error_code error;
  fs::create_directories(state, error);
  if (error)
    return Status(ErrorCode::kIoError,
                  fmt::format("{}: cannot create the output directory ({})", dir, error.message()));
  Result<Descriptor> lock = LockSet(state, name);
  if (!lock.ok()) return lock.status();
  SweepStaleRuns(state, name);
  const auto stamp = std::chrono::steady_clock::now().time_since_epoch().count();
  const std::string run_name = fmt::format("{}.{}-{}", name, ::getpid(), stamp);
  const fs::path run = state / run_name;
  if (!fs::create_directory(run, error) || error)
    return Status(ErrorCode::kIoError, fmt::format("{}: cannot create ({})", run.string(),
                                                   error ? error.message() : "it exists"));
  Descriptor run_lock(::open(run.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (run_lock.get() < 0 || ::flock(run_lock.get(), LOCK_EX | LOCK_NB) != 0) {
    fs::remove_all(run, error);
    return IoError("cannot lock", run.string());
  }
  return OutputSet(dir, name, run_name, run_lock.Release());
}

std::string OutputSet::PathFor(std::string_view file_name) const {
  return (fs::path(run_dir_) / file_name).string();
}

std::string OutputSet::PublishedPath(std::string_view file_name) const {
  return (fs::path(dir_) / file_name).string();
}

Status OutputSet::Commit() {
  if (committed_) return Status(ErrorCode::kInternal, "output set published twice");
  // The files were fsync'ed as they were written; their directory entries now.
  if (::fsync(run_lock_) != 0) return IoError("cannot sync", run_dir_);
  const fs::path dir(dir_);
  const fs::path state = dir / kOutputStateDir;
  Result<Descriptor> lock = LockSet(state, name_);
  if (!lock.ok()) return lock.status();
  const std::string previous = CurrentRun(state, name_);
  const std::set<std::string> files = FilesOf(run_dir_);
  const std::set<std::string> old_files =
      previous.empty() ? std::set<std::string>() : FilesOf(state / previous);
  // Every name resolves through the switch link: ".growthlens/<set>/<file>".
  const auto target_of = [&](const std::string& file) {
    return fs::path(kOutputStateDir) / name_ / file;
  };
  std::error_code error;
  size_t temporaries = 0;
  const auto temporary = [&] {
    return state / fmt::format("{}.link.{}.{}", name_, ::getpid(), temporaries++);
  };

  // 1. Names new to the set get their link now; it dangles until the switch. A name held by
  // something else (a plain file from before, another set's link) is replaced after it.
  std::vector<std::string> replace_after;
  for (const std::string& file : files) {
    const fs::path link = dir / file;
    const fs::path existing = fs::read_symlink(link, error);
    if (!error && existing == target_of(file)) continue;
    if (!fs::exists(fs::symlink_status(link, error))) {
      GROWTHLENS_RETURN_IF_ERROR(ReplaceWithLink(link, target_of(file), temporary()));
    } else {
      replace_after.push_back(file);
    }
  }
  GROWTHLENS_RETURN_IF_ERROR(SyncDirectory(dir_));

  // 2. The switch: one rename makes every name resolve into the new run.
  GROWTHLENS_RETURN_IF_ERROR(ReplaceWithLink(state / name_, run_name_, temporary()));
  GROWTHLENS_RETURN_IF_ERROR(SyncDirectory(state.string()));
  committed_ = true;

  // 3. Names the new set lacks dangle now: removed (only our own links). Names held by other
  // files before take their link.
  for (const std::string& file : replace_after)
    GROWTHLENS_RETURN_IF_ERROR(ReplaceWithLink(dir / file, target_of(file), temporary()));
  for (const std::string& file : old_files) {
    if (files.count(file) != 0) continue;
    const fs::path link = dir / file;
    const fs::path existing = fs::read_symlink(link, error);
    if (!error && existing == target_of(file)) fs::remove(link, error);
  }
  GROWTHLENS_RETURN_IF_ERROR(SyncDirectory(dir_));
  if (!previous.empty()) fs::remove_all(state / previous, error);
  return Status::Ok();
}

}  // namespace growthlens
