#include "server/upload_receiver.h"

#include <fmt/format.h>

#include <fstream>
#include <functional>
#include <optional>

#include "server/data_loader.h"

namespace growthlens::server {

namespace {

/// Form fields other than "file" are ignored, up to this many bytes.
constexpr uint64_t kMaxOtherFieldBytes = 64 << 10;

uint64_t DeclaredLength(const httplib::Request& request) {
  const std::string text = request.get_header_value("Content-Length");
  uint64_t length = 0;
  for (const char c : text) {
    if (c < '0' || c > '9' || length > UINT64_MAX / 10) return 0;
    length = length * 10 + static_cast<uint64_t>(c - '0');
  }
  return length;
}

std::string TooLarge(uint64_t max_bytes) {
  return fmt::format(
      "the upload is larger than the server accepts ({} bytes; serve "
      "--max-upload-mb)",
      max_bytes);
}

}  // namespace

Result<ScratchDirectory> ScratchDirectory::Create(std::filesystem::path path) {
  std::error_code error;
  if (!std::filesystem::create_directories(path, error) || error)
    return Status(ErrorCode::kIoError,
                  fmt::format("cannot create a scratch directory: {}", error.message()));
  return ScratchDirectory(std::move(path));
}

ScratchDirectory::~ScratchDirectory() {
  if (path_.empty()) return;
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

namespace {

/// Where a body goes as it is read: `open` with the upload's safe name before the first byte,
/// `write` for each piece; either may fail the upload with an error.
struct BodySink {
  std::function<std::optional<ApiError>(const std::string& name)> open;
  std::function<std::optional<ApiError>(const char* data, size_t length)> write;
};

/// The body of `request` (raw, or the multipart field "file") into `sink`, at most `max_bytes`;
/// the bytes read, or the error.
Reply<uint64_t> ReceiveBody(const httplib::Request& request, const httplib::ContentReader& reader,
                            const std::string& given_name, std::string_view fallback,
                            uint64_t max_bytes, const BodySink& sink) {
  // Without a length a body ends when the connection does: a client that keeps it open would
  // hold a thread until it times out.
  if (!request.has_header("Content-Length") &&
      request.get_header_value("Transfer-Encoding").find("chunked") == std::string::npos)
    return MakeError(400,
                     "the request could not be read (HTTP 400); a POST needs a Content-Length, "
                     "even 0");
  uint64_t bytes = 0;
  std::optional<ApiError> failure;
  const auto open = [&](const std::string& wanted) {
    Result<std::string> safe = SafeUploadName(wanted.empty() ? std::string(fallback) : wanted);
    if (!safe.ok()) {
      failure = ErrorFromStatus(safe.status());
      return false;
    }
    failure = sink.open(*safe);
    return !failure;
  };
  const auto write = [&](const char* data, size_t length) {
    bytes += length;
    if (bytes > max_bytes) {
      failure = MakeError(413, TooLarge(max_bytes));
      return false;
    }
    failure = sink.write(data, length);
    return !failure;
  };

  bool read = false;
  if (request.is_multipart_form_data()) {
    bool in_file = false, seen_file = false;
    uint64_t other_bytes = 0;
    read = reader(
        [&](const httplib::MultipartFormData& part) {
          in_file = part.name == "file" && !seen_file;
          if (!in_file) return true;
          seen_file = true;
          return open(given_name.empty() ? part.filename : given_name);
        },
        [&](const char* data, size_t length) {
          if (in_file) return write(data, length);
          other_bytes += length;
          return other_bytes <= kMaxOtherFieldBytes;
        });
    if (read && !seen_file)
      failure = MakeError(400, "parameter 'file': the form has no field 'file'", "file");
  } else {
    if (!open(given_name)) return *failure;
    read = reader([&](const char* data, size_t length) { return write(data, length); });
  }
  if (failure) return *failure;
  if (!read && DeclaredLength(request) > max_bytes)  // refused by httplib before any byte
    return MakeError(413, TooLarge(max_bytes));
  if (!read)
    return MakeError(400,
                     "parameter 'file': the upload could not be read whole (the connection "
                     "broke, or was too slow)",
                     "file");
  return bytes;
}

}  // namespace

Reply<ReceivedFile> ReceiveUpload(const httplib::Request& request,
                                  const httplib::ContentReader& reader,
                                  const std::filesystem::path& dir, const std::string& given_name,
                                  std::string_view fallback, uint64_t max_bytes) {
  ReceivedFile received;
  std::ofstream out;
  BodySink sink;
  sink.open = [&](const std::string& name) -> std::optional<ApiError> {
    received.name = name;
    received.path = dir / received.name;
    out.open(received.path, std::ios::binary | std::ios::trunc);
    if (!out) return MakeError(500, "the upload could not be stored (the server's disk)");
    return std::nullopt;
  };
  sink.write = [&](const char* data, size_t length) -> std::optional<ApiError> {
    if (!out.write(data, static_cast<std::streamsize>(length)))
      return MakeError(500, "the upload could not be stored (is the server's disk full?)");
    return std::nullopt;
  };
  Reply<uint64_t> bytes = ReceiveBody(request, reader, given_name, fallback, max_bytes, sink);
  out.close();
  if (const ApiError* error = std::get_if<ApiError>(&bytes)) return *error;
  received.bytes = std::get<uint64_t>(bytes);
  return received;
}

Reply<ReceivedText> ReceiveUploadText(const httplib::Request& request,
                                      const httplib::ContentReader& reader,
                                      const std::string& given_name, std::string_view fallback,
                                      uint64_t max_bytes) {
  ReceivedText received;
  BodySink sink;
  sink.open = [&received](const std::string& name) -> std::optional<ApiError> {
    received.name = name;
    return std::nullopt;
  };
  sink.write = [&received](const char* data, size_t length) -> std::optional<ApiError> {
    received.text.append(data, length);
    return std::nullopt;
  };
  Reply<uint64_t> bytes = ReceiveBody(request, reader, given_name, fallback, max_bytes, sink);
  if (const ApiError* error = std::get_if<ApiError>(&bytes)) return *error;
  return received;
}

Reply<std::string> ReceiveBody(const httplib::Request& request,
                               const httplib::ContentReader& reader, uint64_t max_bytes,
                               const std::string& too_large, const std::string& parameter) {
  if (DeclaredLength(request) > max_bytes) return MakeError(413, too_large, parameter);
  std::string body;
  bool over = false;
  const bool read = reader([&body, &over, max_bytes](const char* data, size_t length) {
    if (body.size() + length > max_bytes) {
      over = true;
      return false;
    }
    body.append(data, length);
    return true;
  });
  if (over) return MakeError(413, too_large, parameter);
  if (!read)
    return MakeError(
        400,
        fmt::format("{}the connection broke while the body was sent",
                    parameter.empty() ? "" : fmt::format("parameter '{}': ", parameter)),
        parameter);
  return body;
}

}  // namespace growthlens::server
