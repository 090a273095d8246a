#pragma once
// Erasing one user (the right to be forgotten): the user's rows, signup day and, for
// transactions, orders are removed and the user leaves the user dictionary, so that rewriting
// the data (Workspace::Replace, then Vacuum) leaves no trace of them in any block.

#include <cstdint>
#include <string_view>

#include "core/dataset.h"
#include "core/status.h"

namespace growthlens::store {

struct Erasure {
  Dataset data;
  uint64_t rows_erased = 0;
};

/// `data` without user `user_id`; an error naming it when it has no such user.
Result<Erasure> EraseUser(const Dataset& data, std::string_view user_id);

}  // namespace growthlens::store
