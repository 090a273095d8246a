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

/// A read-only memory map that unmaps itself.
class MappedFile {
 public:
  MappedFile(const void* data, size_t size) : data_(data), size_(size) {}
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
};

namespace {

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr size_t kGzipReadChunk = 1 << 20;

bool LooksGzipped(std::string_view bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1F &&
         static_cast<unsigned char>(bytes[1]) == 0x8B;
}

Result<std::string> Gunzip(const std::string& path) {
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) return Status(ErrorCode::kIoError, fmt::format("{}: cannot open", path));
  gzbuffer(file, 1 << 18);
  std::string out;
  for (;;) {
    const size_t old_size = out.size();
    out.resize(old_size + kGzipReadChunk);
    const int read = gzread(file, out.data() + old_size, static_cast<unsigned>(kGzipReadChunk));
    if (read < 0) {
      int error_number = 0;
      std::string message = gzerror(file, &error_number);
      gzclose(file);
      return Status(ErrorCode::kIoError, fmt::format("{}: corrupt gzip data ({})", path, message));
    }
    out.resize(old_size + static_cast<size_t>(read));
    if (read == 0) break;
  }
  gzclose(file);
  return out;
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

Result<InputBuffer> InputBuffer::Load(const std::string& path, Encoding encoding, Utf8Check check) {
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
    buffer.mapped_.reset();
    Result<std::string> inflated = Gunzip(path);
    if (!inflated.ok()) return inflated.status();
    buffer.owned_ = std::move(inflated).value();
    buffer.text_size_ = buffer.owned_.size();
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

Status InputBuffer::Finish(Encoding requested, const std::string& name, Utf8Check check) {
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
