#pragma once
// InputBuffer: the whole text of an input file as UTF-8, ready for the parser. Plain files are
// memory-mapped (no copy); gzip files are inflated (within GzipLimits, into memory that grows
// without copying) and single-byte and UTF-16 encodings transcoded into an owned buffer. A UTF-8
// byte-order mark is skipped; a UTF-16 one selects the byte order.
//
// A mapped file's UTF-8 check can be left to the reader (Utf8Check::kByReader), which checks
// each block just before parsing it and releases the pages behind it, so a large file is read
// once and only a window of it is resident at a time.

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "io/encoding.h"

namespace growthlens {

class MappedFile;

/// When a mapped file's bytes are checked as UTF-8: on load, or by the reader as it goes.
enum class Utf8Check { kOnLoad, kByReader };

/// Bounds on inflating a .gz input, so that a small file cannot take all memory (a gzip bomb).
struct GzipLimits {
  static constexpr size_t kDefaultMaxInflatedBytes = size_t{8} << 30;  // 8 GiB
  static constexpr double kDefaultMaxRatio = 250;
  /// Refused beyond this many inflated bytes.
  size_t max_inflated_bytes = kDefaultMaxInflatedBytes;
  /// Refused when the inflated bytes exceed this multiple of the compressed bytes read so far,
  /// once kRatioCheckAfter bytes are out. Text CSV compresses 5-20x, and gzip -9 of a very
  /// repetitive log reaches about 100x; deflate cannot exceed about 1032x.
  double max_ratio = kDefaultMaxRatio;
  static constexpr size_t kRatioCheckAfter = size_t{16} << 20;
};

class InputBuffer {
 public:
  InputBuffer();
  ~InputBuffer();
  InputBuffer(InputBuffer&&) noexcept;
  InputBuffer& operator=(InputBuffer&&) noexcept;

  /// Loads `path`; `encoding` kAuto picks UTF-8 when the bytes are valid UTF-8 and
  /// Windows-1252 otherwise. With kByReader, a memory-mapped UTF-8 or auto input is taken as
  /// UTF-8 unchecked (utf8_unchecked()) and its reader must check it (see OnInvalidUtf8).
  /// A gzip input (bytes 1F 8B) is inflated within `gzip`; one that is corrupt, truncated (no
  /// trailer: the stream ends early) or past a limit is an error naming the file.
  static Result<InputBuffer> Load(const std::string& path, Encoding encoding,
                                  Utf8Check check = Utf8Check::kOnLoad,
                                  const GzipLimits& gzip = GzipLimits());
  /// Wraps text already in memory (tests, HTTP uploads); `name` stands for it in messages.
  static Result<InputBuffer> FromText(std::string text, Encoding encoding,
                                      const std::string& name = "<memory>");

  /// The UTF-8 text, without a byte-order mark.
  std::string_view text() const { return Storage().substr(text_offset_, text_size_); }
  /// The encoding the source was read as.
  Encoding source_encoding() const { return source_encoding_; }
  bool was_gzip() const { return was_gzip_; }
  bool had_bom() const { return had_bom_; }
  /// Size of the source as stored (compressed size for gzip).
  size_t source_bytes() const { return source_bytes_; }

  /// True when the text is taken as UTF-8 but not checked yet: the reader checks it.
  bool utf8_unchecked() const { return utf8_unchecked_; }
  /// The reader of an unchecked text found it is not valid UTF-8: an auto input becomes
  /// Windows-1252 (transcoded, to be read again), a UTF-8 one an error naming the line of the
  /// first invalid byte. Either way the text counts as checked afterwards.
  Status OnInvalidUtf8(const std::string& name);
  /// Drops the resident pages of a mapped file's text()[begin, end) (whole pages only; reading
  /// them again faults them back in from the page cache) and returns where the dropped part
  /// ends: `end` rounded down to a page. Text held in memory (inflated or transcoded) is never
  /// dropped, and `end` is returned.
  size_t Release(size_t begin, size_t end) const;

 private:
  Status Finish(Encoding requested, const std::string& name, Utf8Check check);
  /// Picks the encoding for a text whose first invalid UTF-8 byte is at `invalid_at` (npos
  /// when valid) and transcodes it when it is not UTF-8.
  Status Settle(Encoding requested, size_t invalid_at, const std::string& name);
  /// Transcodes a UTF-16 text (by its byte-order mark, the requested encoding, or the zero
  /// bytes of ASCII characters) to UTF-8; false when the text is not UTF-16.
  Result<bool> TranscodeUtf16(Encoding requested, const std::string& name);
  /// The bytes held: the mapping, or the owned copy once inflated or transcoded.
  std::string_view Storage() const;

  // The text is kept as a range of the storage, not a view: a short owned string lives inside
  // the object, and a view into it would dangle after a move.
  std::unique_ptr<MappedFile> mapped_;
  std::string owned_;
  size_t text_offset_ = 0;
  size_t text_size_ = 0;
  Encoding source_encoding_ = Encoding::kUtf8;
  bool was_gzip_ = false;
  bool had_bom_ = false;
  bool utf8_unchecked_ = false;
  Encoding requested_ = Encoding::kAuto;  // kept while the check is left to the reader
  size_t source_bytes_ = 0;
};

}  // namespace growthlens
