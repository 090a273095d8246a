#include "server/held_data.h"

namespace growthlens::server {

HeldPtr Holdings::DefaultUsage() const {
  HeldPtr usage = Of(DataKind::kUsage);
  return usage ? usage : Of(DataKind::kEvents);
}

std::vector<HeldPtr> Holdings::All() const {
  std::vector<HeldPtr> held;
  for (const HeldPtr& dataset : by_kind)
    if (dataset) held.push_back(dataset);
  return held;
}

std::shared_ptr<const Holdings> DataShelf::Snapshot() const {
  std::lock_guard lock(mutex_);
  return current_;
}

uint64_t DataShelf::Put(HeldPtr dataset) {
  std::lock_guard lock(mutex_);
  auto next = std::make_shared<Holdings>(*current_);
  next->by_kind[static_cast<size_t>(dataset->kind())] = std::move(dataset);
  ++next->generation;
  current_ = std::move(next);
  return current_->generation;
}

}  // namespace growthlens::server
