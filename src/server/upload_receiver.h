#pragma once
// Request bodies that are files stop at the size limit (issue 14.9). Uploads of data go straight
// to disk as they are read, never whole into memory, and land in a ScratchDirectory, which
// removes itself and whatever is left in it on every path out. An experiment's file is parsed
// where it is (ReceiveUploadText): it is read into memory, bounded by the same limit.

#include <httplib.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include "core/status.h"
#include "server/api_error.h"

namespace growthlens::server {

/// A fresh directory, removed with its contents when this goes out of scope.
class ScratchDirectory {
 public:
  static Result<ScratchDirectory> Create(std::filesystem::path path);
  ScratchDirectory(ScratchDirectory&& other) noexcept : path_(std::move(other.path_)) {
    other.path_.clear();
  }
  ScratchDirectory& operator=(ScratchDirectory&&) = delete;
  ScratchDirectory(const ScratchDirectory&) = delete;
  ~ScratchDirectory();

  const std::filesystem::path& path() const { return path_; }

 private:
  explicit ScratchDirectory(std::filesystem::path path) : path_(std::move(path)) {}
  std::filesystem::path path_;
};

struct ReceivedFile {
  std::filesystem::path path;  // dir/name
  std::string name;            // as it will be shown and stored
  uint64_t bytes = 0;          // 0: an empty body
};

/// Streams the body of `request` (raw, or the multipart field "file") into `dir`/NAME, NAME being
/// `given_name`, else the part's file name, else `fallback`, made safe by SafeUploadName (a bad
/// name fails before any byte is read). Errors: 400 "name", 400 "file" (a multipart body without
/// the field, a broken connection), 413 past `max_bytes`, 500 when the disk refuses.
Reply<ReceivedFile> ReceiveUpload(const httplib::Request& request,
                                  const httplib::ContentReader& reader,
                                  const std::filesystem::path& dir, const std::string& given_name,
                                  std::string_view fallback, uint64_t max_bytes);

struct ReceivedText {
  std::string name;  // as it will be shown
  std::string text;  // the bytes as sent
};

/// A body that is not a file (a JSON document), read into memory up to `max_bytes`: 413 saying
/// `too_large` past it, 400 when the connection broke; both name `parameter` when given.
/// A body declared larger than `max_bytes` is refused before a byte of it is read.
Reply<std::string> ReceiveBody(const httplib::Request& request,
                               const httplib::ContentReader& reader, uint64_t max_bytes,
                               const std::string& too_large, const std::string& parameter = "");

/// The body of `request` as ReceiveUpload reads it, into memory: the same names, limit and errors.
Reply<ReceivedText> ReceiveUploadText(const httplib::Request& request,
                                      const httplib::ContentReader& reader,
                                      const std::string& given_name, std::string_view fallback,
                                      uint64_t max_bytes);

}  // namespace growthlens::server
