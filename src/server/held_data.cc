#include "server/held_data.h"

namespace growthlens::server {

std::shared_ptr<const Holdings> DataShelf::Snapshot() const {
  std::lock_guard lock(mutex_);
  return current_;
}

uint64_t DataShelf::Put(HeldPtr dataset) {
  std::lock_guard lock(mutex_);
  auto next = std::make_shared<Holdings>(*current_);
  if (ByKind(dataset->kind(), true, false)) {
    next->usage = std::move(dataset);
  } else {
    next->transactions = std::move(dataset);
  }
  ++next->generation;
  current_ = std::move(next);
  return current_->generation;
}

}  // namespace growthlens::server
