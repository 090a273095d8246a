#pragma once
// InputBuffer: the whole text of an input file as UTF-8, ready for the parser. Plain files are
// memory-mapped (no copy); gzip files are inflated and single-byte encodings transcoded into an
// owned buffer. A UTF-8 byte-order mark is skipped.

#include <memory>
#include <string>
#include <string_view>

#include "core/status.h"
#include "io/encoding.h"

namespace growthlens {

class MappedFile;

class InputBuffer {
 public:
  InputBuffer();
  ~InputBuffer();
  InputBuffer(InputBuffer&&) noexcept;
  InputBuffer& operator=(InputBuffer&&) noexcept;

  /// Loads `path`; `encoding` kAuto picks UTF-8 when the bytes are valid UTF-8 and
  /// Windows-1252 otherwise.
  static Result<InputBuffer> Load(const std::string& path, Encoding encoding);
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

 private:
  Status Finish(Encoding requested, const std::string& name);
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
  size_t source_bytes_ = 0;
};

}  // namespace growthlens
