#include "io/text_window.h"

#include <algorithm>

#include "io/encoding.h"
#include "io/input_buffer.h"

namespace growthlens {

namespace {

// Small enough to stay in L2 between the check and the parse, large enough that the checks
// and the releases (one madvise each) cost nothing next to the parse.
constexpr size_t kBlockBytes = 256 * 1024;
// Pages are released in larger steps: each madvise makes the kernel flush the other core's
// TLB (an interrupt), so releasing every block costs more than the few MB it keeps resident.
constexpr size_t kReleaseBytes = 4 * 1024 * 1024;

bool IsContinuationByte(char byte) {
  return (static_cast<unsigned char>(byte) & 0xC0) == 0x80;
}

}  // namespace

TextWindow::TextWindow(const InputBuffer* input, size_t begin, std::atomic<bool>* failed)
    : input_(input),
      text_(input != nullptr ? input->text() : std::string_view()),
      check_(input != nullptr && input->utf8_unchecked()),
      failed_(failed),
      checked_until_(begin),
      released_until_(begin) {}

bool TextWindow::CheckAhead(size_t pos) {
  if (input_ == nullptr) {
    checked_until_ = SIZE_MAX;
    return true;
  }
  if (invalid_ || (failed_ != nullptr && failed_->load(std::memory_order_relaxed))) return false;
  // Whole pages before the record are done with: parsed and, when asked, checked.
  if (pos >= released_until_ + kReleaseBytes)
    released_until_ = input_->Release(released_until_, pos);
  // The block ends where no multi-byte sequence is split.
  size_t end = std::min(text_.size(), pos + kBlockBytes);
  while (end < text_.size() && IsContinuationByte(text_[end])) ++end;
  return CheckUntil(end);
}

bool TextWindow::Finish(size_t end) {
  if (input_ == nullptr) return true;
  if (invalid_ || (failed_ != nullptr && failed_->load(std::memory_order_relaxed))) return false;
  return CheckUntil(std::max(end, checked_until_));
}

bool TextWindow::CheckUntil(size_t end) {
  if (check_ && end > checked_until_) {
    const size_t found = FirstInvalidUtf8(text_.substr(checked_until_, end - checked_until_));
    if (found != std::string_view::npos) {
      invalid_ = true;
      if (failed_ != nullptr) failed_->store(true, std::memory_order_relaxed);
      return false;
    }
  }
  checked_until_ = end;
  return true;
}

}  // namespace growthlens
