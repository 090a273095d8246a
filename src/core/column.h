#pragma once
// Column<T>: the vector type of per-row data. Its allocator default-initialises elements, so
// resize() on a column of millions of rows does not zero memory that is about to be
// overwritten; the pages are first touched by whichever thread fills them. (Transparent huge
// pages were tried: with the kernel's "defrag on madvise" setting, fault times varied 2x.)

#include <memory>
#include <vector>

namespace growthlens {

template <typename T>
class DefaultInitAllocator : public std::allocator<T> {
 public:
  template <typename U>
  struct rebind {
    using other = DefaultInitAllocator<U>;
  };
  using std::allocator<T>::allocator;

  template <typename U>
  void construct(U* place) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(place)) U;  // default-, not value-initialised
  }
  template <typename U, typename... Args>
  void construct(U* place, Args&&... args) {
    ::new (static_cast<void*>(place)) U(std::forward<Args>(args)...);
  }
};

template <typename T>
using Column = std::vector<T, DefaultInitAllocator<T>>;

}  // namespace growthlens
