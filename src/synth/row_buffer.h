#pragma once
// A growable byte buffer that rows are formatted into by hand. Formatting goes through raw
// pointers (reserve room, write, commit) because fmt or streams cost several times more per
// row than the generator spends drawing the row's random numbers.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace growthlens::synth {

/// Copies `text` to `out` and returns the end.
inline char* WriteText(std::string_view text, char* out) {
  if (text.empty()) return out;  // an empty view may hold a null pointer, which memcpy forbids
  std::memcpy(out, text.data(), text.size());
  return out + text.size();
}

/// Writes `value` in decimal (at most 20 characters) and returns the end.
inline char* WriteUnsigned(uint64_t value, char* out) {
  char digits[20];
  int count = 0;
  do {
    digits[count++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (count > 0) *out++ = digits[--count];
  return out;
}

/// Writes `value` in decimal with a leading '-' when negative (at most 20 characters).
inline char* WriteSigned(int64_t value, char* out) {
  if (value >= 0) return WriteUnsigned(static_cast<uint64_t>(value), out);
  *out++ = '-';
  return WriteUnsigned(0 - static_cast<uint64_t>(value), out);
}

/// Writes `value` as two digits with a leading zero (0..99).
inline char* WriteTwoDigits(int value, char* out) {
  out[0] = static_cast<char>('0' + value / 10);
  out[1] = static_cast<char>('0' + value % 10);
  return out + 2;
}

/// Bytes of one output block; keeps its capacity across Clear so blocks reuse memory.
class RowBuffer {
 public:
  /// Guarantees room for `bytes` more bytes and returns where they start.
  char* Reserve(size_t bytes) {
    if (size_ + bytes > storage_.size()) Grow(bytes);
    return storage_.data() + size_;
  }
  /// Marks everything up to `end` (a pointer from the last Reserve) as written.
  void Commit(const char* end) { size_ = static_cast<size_t>(end - storage_.data()); }

  void Append(std::string_view bytes) { Commit(WriteText(bytes, Reserve(bytes.size()))); }

  void Clear() { size_ = 0; }
  size_t size() const { return size_; }
  std::string_view view() const { return {storage_.data(), size_}; }

 private:
  void Grow(size_t bytes) {
    constexpr size_t kMinimumCapacity = 1 << 16;
    size_t capacity = storage_.size() < kMinimumCapacity ? kMinimumCapacity : storage_.size();
    while (capacity < size_ + bytes) capacity *= 2;
    storage_.resize(capacity);
  }

  std::string storage_;  // size() is the capacity; size_ is what is written
  size_t size_ = 0;
};

}  // namespace growthlens::synth
