#include "synth/output_sink.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <unistd.h>

#include "core/temporary_files.h"

namespace growthlens::synth {
namespace {

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

Status WriteAll(std::FILE* file, std::string_view bytes, const std::string& name) {
  if (bytes.empty()) return Status::Ok();
  if (std::fwrite(bytes.data(), 1, bytes.size(), file) != bytes.size()) {
    return Status(ErrorCode::kIoError, "cannot write to " + name + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

class StdoutSink final : public OutputSink {
 public:
  Status Write(std::string_view bytes) override { return WriteAll(stdout, bytes, "stdout"); }
  Status Close() override {
    if (std::fflush(stdout) != 0) {
      return Status(ErrorCode::kIoError,
                    std::string("cannot flush stdout: ") + std::strerror(errno));
    }
    return Status::Ok();
  }
};

/// A file written under a temporary name (for regular files) and moved into place by Close.
class FileSink final : public OutputSink {
 public:
  FileSink(FilePtr file, std::string final_path, std::string write_path, bool gzip)
      : file_(std::move(file)),
        final_path_(std::move(final_path)),
        write_path_(std::move(write_path)),
        gzip_(gzip) {}

  ~FileSink() override {
    // Close was never reached or failed: drop the partial file rather than leave it behind.
    if (file_ != nullptr) {
      file_.reset();
      if (write_path_ != final_path_) {
        std::error_code ignored;
        std::filesystem::remove(write_path_, ignored);
      }
    }
  }

  bool gzip() const override { return gzip_; }

  Status Write(std::string_view bytes) override {
    return WriteAll(file_.get(), bytes, final_path_);
  }

  Status Close() override {
    if (file_ == nullptr) return Status(ErrorCode::kInternal, "output closed twice");
    // On disk before the rename, so the name never points at a file a crash could tear.
    const bool flushed = std::fflush(file_.get()) == 0 &&
                         (write_path_ == final_path_ || ::fsync(fileno(file_.get())) == 0);
    const int flush_errno = errno;
    const bool closed = std::fclose(file_.release()) == 0;
    if (!flushed || !closed) {
      if (write_path_ != final_path_) {
        std::error_code ignored;
        std::filesystem::remove(write_path_, ignored);
      }
      return Status(ErrorCode::kIoError, "cannot finish writing " + final_path_ + ": " +
                                             std::strerror(flushed ? errno : flush_errno));
    }
    if (write_path_ != final_path_) {
      std::error_code error;
      std::filesystem::rename(write_path_, final_path_, error);
      if (error) {
        std::filesystem::remove(write_path_, error);
        return Status(ErrorCode::kIoError,
                      "cannot move " + write_path_ + " to " + final_path_ + ": " + error.message());
      }
      return SyncDirectory(std::filesystem::path(final_path_).parent_path().string());
    }
    return Status::Ok();
  }

 private:
  FilePtr file_;
  std::string final_path_;
  std::string write_path_;
  bool gzip_;
};

}  // namespace

Result<std::unique_ptr<OutputSink>> OpenOutputSink(const std::string& path) {
  if (path.empty()) return Status(ErrorCode::kInvalidArgument, "the output path is empty");
  if (path == "-") return std::unique_ptr<OutputSink>(std::make_unique<StdoutSink>());

  namespace fs = std::filesystem;
  std::error_code error;
  const fs::path target(path);
  if (target.has_parent_path()) {
    fs::create_directories(target.parent_path(), error);
    if (error) {
      return Status(
          ErrorCode::kIoError,
          "cannot create directory " + target.parent_path().string() + ": " + error.message());
    }
  }
  const fs::file_status existing = fs::status(target, error);
  if (fs::is_directory(existing)) {
    return Status(ErrorCode::kIoError, "cannot write " + path + ": it is a directory");
  }
  // Only a regular file (or nothing yet) can be replaced atomically by a rename. The partial
  // file is "<path>.partial.<pid>", locked while written: what a killed run left (a partial
  // file of any earlier run, without a live writer) is removed now.
  const bool write_in_place = fs::exists(existing) && !fs::is_regular_file(existing);
  const std::string partial_prefix = target.filename().string() + ".partial";
  if (!write_in_place) RemoveStaleTemporaries(target.parent_path().string(), partial_prefix);
  const std::string write_path =
      write_in_place ? path : path + ".partial." + std::to_string(::getpid());

  FilePtr file(std::fopen(write_path.c_str(), "wbe"));
  if (file == nullptr) {
    return Status(ErrorCode::kIoError,
                  "cannot open " + write_path + " for writing: " + std::strerror(errno));
  }
  if (!write_in_place) HoldTemporary(fileno(file.get()));
  const bool gzip = EndsWith(path, ".gz");
  return std::unique_ptr<OutputSink>(
      std::make_unique<FileSink>(std::move(file), path, write_path, gzip));
}

Status AppendGzipMember(std::string_view input, int level, std::string& output) {
  constexpr int kGzipWindowBits = 15 + 16;  // 32 KiB window, gzip header and trailer
  constexpr int kMemoryLevel = 8;           // zlib's default
  z_stream stream{};
  if (deflateInit2(&stream, level, Z_DEFLATED, kGzipWindowBits, kMemoryLevel, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return Status(ErrorCode::kInternal, "zlib: cannot initialise gzip compression");
  }
  const size_t start = output.size();
  output.resize(start + deflateBound(&stream, static_cast<uLong>(input.size())));
  // zlib counts in 32-bit uInt, so feed and drain at most 1 GiB at a time.
  constexpr size_t kMaxChunk = size_t{1} << 30;
  size_t consumed = 0;
  size_t produced = start;
  int code = Z_OK;
  while (code == Z_OK) {
    const size_t in_chunk = std::min(kMaxChunk, input.size() - consumed);
    stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data() + consumed));
    stream.avail_in = static_cast<uInt>(in_chunk);
    if (output.size() - produced < 64) output.resize(output.size() + 4096);
    const size_t out_chunk = std::min(kMaxChunk, output.size() - produced);
    stream.next_out = reinterpret_cast<Bytef*>(output.data() + produced);
    stream.avail_out = static_cast<uInt>(out_chunk);
    const bool last_input = consumed + in_chunk == input.size();
    code = deflate(&stream, last_input ? Z_FINISH : Z_NO_FLUSH);
    consumed += in_chunk - stream.avail_in;
    produced += out_chunk - stream.avail_out;
    if (code == Z_BUF_ERROR) code = Z_OK;  // no progress possible this round; room is added above
  }
  deflateEnd(&stream);
  if (code != Z_STREAM_END) {
    output.resize(start);
    return Status(ErrorCode::kInternal,
                  "zlib: gzip compression failed (code " + std::to_string(code) + ")");
  }
  output.resize(produced);
  return Status::Ok();
}

}  // namespace growthlens::synth
