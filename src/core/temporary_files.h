#pragma once
// Temporary files that a kill can leave behind, and making renames durable. A writer holds its
// temporary locked (flock) while it lives; the lock goes with its process, so a later run can
// tell a dead writer's leftovers (removed) from a live writer's file (kept).

#include <string>
#include <string_view>

#include "core/status.h"

namespace growthlens {

/// Marks open file `fd` as a live writer's temporary until it is closed.
void HoldTemporary(int fd);

/// Removes the files of `dir` ("" = the working directory) whose names start with `prefix` and
/// that no live writer holds.
void RemoveStaleTemporaries(const std::string& dir, std::string_view prefix);

/// fsyncs directory `dir` ("" = the working directory): makes renames and new names in it
/// durable.
Status SyncDirectory(const std::string& dir);

}  // namespace growthlens
