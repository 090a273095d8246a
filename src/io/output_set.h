#pragma once
// OutputSet: the files one run of a command writes (analyze's tables and report, ingest's clean
// data and report), published together, so that a kill or a crash at any moment leaves the
// complete previous set or the complete new one, never a mix.
//
// Layout, for a set named "usage_log.analysis" in data/processed:
//   data/processed/usage_log_users.csv -> .growthlens/usage_log.analysis/usage_log_users.csv
//   data/processed/.growthlens/usage_log.analysis -> usage_log.analysis.<run>   (the switch)
//   data/processed/.growthlens/usage_log.analysis.<run>/usage_log_users.csv      (the files)
// A run writes into its own fresh directory (files fsync'ed, then the directory), then replaces
// the switch link with one rename: every file name resolves through it, so all of them change at
// that instant. Names the new set lacks then dangle and are removed; names new to it were
// linked (dangling) before the switch. What killed runs left behind (unpublished run
// directories, old sets, temporaries) is removed when the next run of the set begins. A run
// directory is locked (flock) while its run lives, so concurrent runs never remove each other's.
//
//   Result<OutputSet> set = OutputSet::Begin("data/processed", "usage_log.analysis");
//   WriteFileAtomically(set->PathFor("usage_log_users.csv"), text);
//   Status published = set->Commit();

#include <string>
#include <string_view>

#include "core/status.h"

namespace growthlens {

class OutputSet {
 public:
  /// Creates `dir` if needed, removes what earlier runs of set `name` left behind, and makes
  /// this run's directory. `name` must be a plain file name.
  static Result<OutputSet> Begin(const std::string& dir, const std::string& name);
  OutputSet(OutputSet&& other) noexcept;
  OutputSet& operator=(OutputSet&&) = delete;
  OutputSet(const OutputSet&) = delete;
  OutputSet& operator=(const OutputSet&) = delete;
  /// Removes the run directory unless Commit() published it.
  ~OutputSet();

  /// The directory the files of this run are written into.
  const std::string& run_dir() const { return run_dir_; }
  /// Where file `file_name` of this run is written (in run_dir()).
  std::string PathFor(std::string_view file_name) const;
  /// Where file `file_name` is read once published (in the output directory).
  std::string PublishedPath(std::string_view file_name) const;

  /// Publishes every file of the run directory under its name in the output directory, all at
  /// once, replacing the set's previous files.
  Status Commit();

 private:
  OutputSet(std::string dir, std::string name, std::string run_name, int run_lock);

  std::string dir_;       // the output directory
  std::string name_;      // the set's name
  std::string run_name_;  // "<name>.<run>", in the state directory
  std::string run_dir_;
  int run_lock_ = -1;  // the run directory, open and flock'ed while the run lives
  bool committed_ = false;
};

/// The state directory of OutputSet inside an output directory.
inline constexpr std::string_view kOutputStateDir = ".growthlens";

}  // namespace growthlens
