#include "io/input_buffer.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "core/parallel.h"

namespace growthlens {

/// A memory map that unmaps itself: a file's, read-only, or anonymous memory holding inflated
/// text.
class MappedFile {
 public:
  MappedFile(const void* data, size_t size, bool file_backed = true)
      : data_(data), size_(size), file_backed_(file_backed) {}
  ~MappedFile() {
    if (size_ > 0) munmap(const_cast<void*>(data_), size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  std::string_view bytes() const { return {static_cast<const char*>(data_), size_}; }
  /// Drops the whole pages inside bytes()[begin, end) and returns the offset where they end.
  /// The mapping is private and read-only, so its pages are never modified: they fault back
  /// in from the page cache when read again.
  size_t DropPages(size_t begin, size_t end) const {
    if (!file_backed_) return end;  // anonymous pages would come back as zeros
    static const auto kPageBytes = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
    const auto base = reinterpret_cast<uintptr_t>(data_);
    const uintptr_t first = (base + begin + kPageBytes - 1) / kPageBytes * kPageBytes;
    const uintptr_t last = (base + std::min(end, size_)) / kPageBytes * kPageBytes;
    if (last <= first) return begin;
    madvise(reinterpret_cast<void*>(first), last - first, MADV_DONTNEED);
    return last - base;
  }

 private:
  const void* data_;
  size_t size_;
  bool file_backed_;
};

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";

bool LooksGzipped(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1F &&
         static_cast<unsigned char>(bytes[1]) == 0x8B;
}

/// Anonymous memory for inflated text that grows by remapping its pages (no copy), so the
/// peak is the text itself, not twice it as a doubling std::string has.
class GrowingMemory {
 public:
  GrowingMemory() = default;
  ~GrowingMemory() {
    if (capacity_ > 0) munmap(data_, capacity_);
  }
  GrowingMemory(const GrowingMemory&) = delete;
  GrowingMemory& operator=(const GrowingMemory&) = delete;

  char* data() { return static_cast<char*>(data_); }
  size_t capacity() const { return capacity_; }
  /// Makes room for at least `bytes`; false when the memory cannot be had.
  bool Reserve(size_t bytes) {
    if (bytes <= capacity_) return true;
    void* grown = capacity_ == 0 ? mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                                        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                                 : mremap(data_, capacity_, bytes, MREMAP_MAYMOVE);
    if (grown == MAP_FAILED) return false;
    data_ = grown;
    capacity_ = bytes;
    return true;
  }
  /// Hands the first `size` bytes over as a mapping (the spare pages are returned first).
  std::unique_ptr<MappedFile> Release(size_t size) {
    static const auto kPageBytes = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    const size_t kept = std::max(kPageBytes, (size + kPageBytes - 1) / kPageBytes * kPageBytes);
    if (kept < capacity_) {
      munmap(static_cast<char*>(data_) + kept, capacity_ - kept);
      capacity_ = kept;
    }
    auto mapping = std::make_unique<MappedFile>(data_, capacity_, /*file_backed=*/false);
    capacity_ = 0;
    return mapping;
  }

 private:
  void* data_ = nullptr;
  size_t capacity_ = 0;
};

/// zlib's stream state, ended on every path.
struct Inflater {
  z_stream stream{};
  bool ready = false;
  ~Inflater() {
    if (ready) inflateEnd(&stream);
  }
};

std::string Megabytes(double bytes) {
  return fmt::format("{:.1f} MB", bytes / 1e6);
}

/// Inflates every gzip member of `compressed` (concatenated members are one file, as gzip
/// reads them). Stops with an error naming `path` at corrupt data, at a stream that ends
/// before its trailer (a truncated file), at bytes after the last member, and past `limits`.
Result<std::unique_ptr<MappedFile>> Inflate(std::string_view compressed, const std::string& path,
                                            const GzipLimits& limits, size_t& inflated) {
  constexpr int kGzipWindowBits = 15 + 16;      // gzip wrapper only, 32 KiB window
  constexpr size_t kMaxStep = size_t{1} << 30;  // zlib counts in 32-bit units
  constexpr size_t kMinCapacity = size_t{1} << 20;
  Inflater inflater;
  z_stream& stream = inflater.stream;
  if (inflateInit2(&stream, kGzipWindowBits) != Z_OK)
    return Status(ErrorCode::kInternal, fmt::format("{}: zlib cannot start inflating", path));
  inflater.ready = true;
  GrowingMemory memory;
  // A first guess of 4x the compressed size; the memory grows (by remapping) as needed.
  const size_t ceiling = limits.max_inflated_bytes + 1;  // one byte past the limit tells
  if (!memory.Reserve(std::min(ceiling, std::max(kMinCapacity, compressed.size() * 4))))
    return Status(ErrorCode::kIoError, fmt::format("{}: out of memory inflating", path));
  size_t consumed = 0;
  inflated = 0;
  const auto truncated = [&] {
    return Status(ErrorCode::kParseError,
                  fmt::format("{}: the gzip stream ends early, without its trailer, after {} of "
                              "text: the file is truncated (an interrupted download or copy?)",
                              path, Megabytes(static_cast<double>(inflated))));
  };
  for (;;) {
    if (inflated == memory.capacity()) {
      if (inflated >= ceiling)
        return Status(
            ErrorCode::kDataError,
            fmt::format("{}: inflates to more than {} (the limit, --max-inflated-mb {}); raise it "
                        "if the file is genuine",
                        path, Megabytes(static_cast<double>(limits.max_inflated_bytes)),
                        limits.max_inflated_bytes >> 20));
      if (!memory.Reserve(std::min(ceiling, memory.capacity() * 2)))
        return Status(ErrorCode::kIoError,
                      fmt::format("{}: out of memory inflating ({} so far)", path,
                                  Megabytes(static_cast<double>(inflated))));
    }
    const size_t in_step = std::min(kMaxStep, compressed.size() - consumed);
    const size_t out_step = std::min(kMaxStep, memory.capacity() - inflated);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed.data() + consumed));
    stream.avail_in = static_cast<uInt>(in_step);
    stream.next_out = reinterpret_cast<Bytef*>(memory.data() + inflated);
    stream.avail_out = static_cast<uInt>(out_step);
    const int code = inflate(&stream, Z_NO_FLUSH);
    consumed += in_step - stream.avail_in;
    inflated += out_step - stream.avail_out;
    if (inflated >= limits.kRatioCheckAfter &&
        static_cast<double>(inflated) > limits.max_ratio * static_cast<double>(consumed))
      return Status(
          ErrorCode::kDataError,
          fmt::format("{}: expands more than {:g} times ({} of text from {} read; the limit, "
                      "--max-gzip-ratio {:g}): a gzip bomb? Raise the limit if the file is "
                      "genuine",
                      path, limits.max_ratio, Megabytes(static_cast<double>(inflated)),
                      Megabytes(static_cast<double>(consumed)), limits.max_ratio));
    if (code == Z_STREAM_END) {
      const std::string_view rest = compressed.substr(consumed);
      if (rest.empty() || rest.find_first_not_of('\0') == std::string_view::npos) break;
      if (!LooksGzipped(rest))
        return Status(ErrorCode::kParseError,
                      fmt::format("{}: {} bytes after the end of the gzip data are not gzip", path,
                                  rest.size()));
      inflateReset(&stream);  // the next member
      continue;
    }
    if (code == Z_DATA_ERROR || code == Z_NEED_DICT || code == Z_MEM_ERROR ||
        code == Z_STREAM_ERROR)
      return Status(ErrorCode::kParseError,
                    fmt::format("{}: corrupt gzip data after {} of text ({})", path,
                                Megabytes(static_cast<double>(inflated)),
                                stream.msg != nullptr ? stream.msg : "zlib error"));
    // Z_OK or Z_BUF_ERROR: more input, or more room, is needed.
    if (consumed == compressed.size() && stream.avail_out > 0) return truncated();
  }
  return memory.Release(inflated);
}

// Validation is a pass over every byte, so both cores share it: the text is cut where no
// multi-byte sequence is split and each part is checked on its own.
size_t FirstInvalidUtf8Parallel(std::string_view text) {
  constexpr size_t kMinBytesPerPart = 8 << 20;
  const size_t parts = std::clamp<size_t>(text.size() / kMinBytesPerPart, 1, HardwareThreads());
  std::vector<size_t> cut(parts + 1, text.size());
  cut[0] = 0;
  for (size_t part = 1; part < parts; ++part) {
    size_t pos = text.size() * part / parts;
    while (pos < text.size() && (static_cast<unsigned char>(text[pos]) & 0xC0) == 0x80) ++pos;
    cut[part] = pos;
  }
  std::vector<size_t> invalid(parts, std::string_view::npos);
  ParallelFor(parts, static_cast<unsigned>(parts), [&](size_t part) {
    const size_t found = FirstInvalidUtf8(text.substr(cut[part], cut[part + 1] - cut[part]));
    if (found != std::string_view::npos) invalid[part] = cut[part] + found;
  });
  return *std::min_element(invalid.begin(), invalid.end());
}

}  // namespace

InputBuffer::InputBuffer() = default;
InputBuffer::~InputBuffer() = default;
InputBuffer::InputBuffer(InputBuffer&&) noexcept = default;
InputBuffer& InputBuffer::operator=(InputBuffer&&) noexcept = default;

Result<InputBuffer> InputBuffer::Load(const std::string& path, Encoding encoding, Utf8Check check,
                                      const GzipLimits& gzip) {
  InputBuffer buffer;
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return Status(ErrorCode::kIoError,
                  fmt::format("{}: cannot open ({})", path, std::strerror(errno)));
  struct stat info {};
  if (fstat(fd, &info) != 0 || !S_ISREG(info.st_mode)) {
    close(fd);
    return Status(ErrorCode::kIoError, fmt::format("{}: not a regular file", path));
  }
  const auto size = static_cast<size_t>(info.st_size);
  buffer.source_bytes_ = size;
  if (size > 0) {
    // No MAP_POPULATE: pages fault in on the threads that first read them, in parallel.
    void* data = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (data == MAP_FAILED) {
      close(fd);
      return Status(ErrorCode::kIoError,
                    fmt::format("{}: cannot map ({})", path, std::strerror(errno)));
    }
    madvise(data, size, MADV_SEQUENTIAL);
    buffer.mapped_ = std::make_unique<MappedFile>(data, size);
    buffer.text_size_ = size;
  }
  close(fd);
  if (LooksGzipped(buffer.text())) {
    size_t inflated_bytes = 0;
    Result<std::unique_ptr<MappedFile>> inflated =
        Inflate(buffer.text(), path, gzip, inflated_bytes);
    if (!inflated.ok()) return inflated.status();
    buffer.mapped_ = std::move(inflated).value();
    buffer.text_size_ = inflated_bytes;
    buffer.was_gzip_ = true;
    check = Utf8Check::kOnLoad;  // inflated text is in memory already: check it at once
  }
  GROWTHLENS_RETURN_IF_ERROR(buffer.Finish(encoding, path, check));
  return buffer;
}

Result<InputBuffer> InputBuffer::FromText(std::string text, Encoding encoding,
                                          const std::string& name) {
  InputBuffer buffer;
  buffer.source_bytes_ = text.size();
  buffer.owned_ = std::move(text);
  buffer.text_size_ = buffer.owned_.size();
  GROWTHLENS_RETURN_IF_ERROR(buffer.Finish(encoding, name, Utf8Check::kOnLoad));
  return buffer;
}

std::string_view InputBuffer::Storage() const {
  return mapped_ != nullptr ? mapped_->bytes() : std::string_view(owned_);
}

Result<bool> InputBuffer::TranscodeUtf16(Encoding requested, const std::string& name) {
  const std::string_view content = text();
  const std::optional<Utf16Start> start = DetectUtf16(content);
  const bool forced = requested == Encoding::kUtf16Le || requested == Encoding::kUtf16Be;
  const bool single_byte = requested == Encoding::kLatin1 || requested == Encoding::kWindows1252;
  if (!forced && (!start || single_byte)) return false;
  const bool bom = start && start->bom;
  // A byte-order mark decides; without one, a forced order beats the guess.
  const bool big_endian = bom || !forced ? start->big_endian : requested == Encoding::kUtf16Be;
  std::string utf8;
  const size_t invalid_at = TranscodeUtf16ToUtf8(content.substr(bom ? 2 : 0), big_endian, utf8);
  if (invalid_at != std::string_view::npos) {
    const auto line = std::count(utf8.begin(), utf8.end(), '\n') + 1;
    return Status(ErrorCode::kParseError,
                  fmt::format("{} line {}: not UTF-16{} (a lone surrogate or an odd last byte at "
                              "byte {}); save the file as UTF-8 or UTF-16",
                              name, line, big_endian ? "BE" : "LE", invalid_at + (bom ? 2 : 0)));
  }
  mapped_.reset();
  owned_ = std::move(utf8);
  text_offset_ = 0;
  text_size_ = owned_.size();
  had_bom_ = bom;
  utf8_unchecked_ = false;
  source_encoding_ = big_endian ? Encoding::kUtf16Be : Encoding::kUtf16Le;
  return true;
}

Status InputBuffer::Finish(Encoding requested, const std::string& name, Utf8Check check) {
  Result<bool> utf16 = TranscodeUtf16(requested, name);
  if (!utf16.ok()) return utf16.status();
  if (*utf16) return Status::Ok();  // the transcoded text is UTF-8 by construction
  std::string_view content = text();
  if (content.starts_with(kUtf8Bom)) {
    content.remove_prefix(kUtf8Bom.size());
    text_offset_ = kUtf8Bom.size();
    text_size_ = content.size();
    had_bom_ = true;
    if (requested == Encoding::kAuto) requested = Encoding::kUtf8;
  }
  if (requested != Encoding::kAuto && requested != Encoding::kUtf8)
    return Settle(requested, std::string_view::npos, name);
  if (check == Utf8Check::kByReader && mapped_ != nullptr) {
    utf8_unchecked_ = true;
    requested_ = requested;
    source_encoding_ = Encoding::kUtf8;
    return Status::Ok();
  }
  return Settle(requested, FirstInvalidUtf8Parallel(content), name);
}

Status InputBuffer::OnInvalidUtf8(const std::string& name) {
  utf8_unchecked_ = false;
  // Auto only needs to know that a byte was invalid. A forced UTF-8 read names the line of
  // the first one, which is found again here: the readers' parts may have stopped early.
  if (requested_ != Encoding::kUtf8) return Settle(requested_, 0, name);
  return Settle(requested_, FirstInvalidUtf8Parallel(text()), name);
}

size_t InputBuffer::Release(size_t begin, size_t end) const {
  if (mapped_ == nullptr) return end;
  return mapped_->DropPages(text_offset_ + begin, text_offset_ + end) - text_offset_;
}

Status InputBuffer::Settle(Encoding requested, size_t invalid_at, const std::string& name) {
  const std::string_view content = text();
  Encoding chosen = requested;
  if (requested == Encoding::kAuto || requested == Encoding::kUtf8) {
    if (invalid_at == std::string_view::npos) {
      chosen = Encoding::kUtf8;
    } else if (requested == Encoding::kUtf8) {
      size_t line = 1;
      for (size_t pos = 0; pos < invalid_at; ++pos) line += content[pos] == '\n' ? 1 : 0;
      return Status(ErrorCode::kParseError,
                    fmt::format("{} line {}: invalid UTF-8 byte 0x{:02X}; pass --encoding latin-1 "
                                "or windows-1252 if the file is not UTF-8",
                                name, line, static_cast<unsigned char>(content[invalid_at])));
    } else {
      chosen = Encoding::kWindows1252;
    }
  }
  source_encoding_ = chosen;
  if (chosen == Encoding::kLatin1 || chosen == Encoding::kWindows1252) {
    std::string transcoded = TranscodeToUtf8(content, chosen);
    mapped_.reset();
    owned_ = std::move(transcoded);
    text_offset_ = 0;
    text_size_ = owned_.size();
  }
  return Status::Ok();
}

}  // namespace growthlens
