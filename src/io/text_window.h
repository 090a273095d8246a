#pragma once
// TextWindow: follows one parser through its part of an input. It checks the text as UTF-8 a
// block ahead of the parser (when the input left the check to the reader) and releases the
// pages of a mapped file behind it, so each byte is brought in once, checked while it is in
// cache, and the file is resident only a few blocks at a time.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace growthlens {

class InputBuffer;

class TextWindow {
 public:
  /// `input` may be null (nothing to check or release). `failed` is shared by the windows
  /// of one read: once any finds invalid UTF-8, the others stop too.
  TextWindow(const InputBuffer* input, size_t begin, std::atomic<bool>* failed);

  /// Called before the parser reads a record at `pos`: checks the next block when `pos`
  /// reached the end of what was checked, and releases what lies before `pos`. Returns false
  /// once invalid UTF-8 was found here or by another window.
  bool Advance(size_t pos) {
    if (pos < checked_until_) return true;
    return CheckAhead(pos);
  }
  /// Checks everything up to `end` (where the parser stopped). Returns false when invalid
  /// UTF-8 was found here or by another window, so the parse must be thrown away.
  bool Finish(size_t end);
  /// Where the checked (and not yet released) text ends: Advance() is needed at this offset.
  size_t checked_until() const { return checked_until_; }

 private:
  bool CheckAhead(size_t pos);
  bool CheckUntil(size_t end);

  const InputBuffer* input_;
  std::string_view text_;
  bool check_;
  std::atomic<bool>* failed_;
  size_t checked_until_;
  size_t released_until_;
  bool invalid_ = false;
};

}  // namespace growthlens
