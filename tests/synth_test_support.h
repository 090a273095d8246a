#pragma once
// What the generator tests share: a small RFC 4180 reader of our own (so that these tests do
// not depend on the engine's reader), reading a file whole, and running the built binary.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "synth/event_generator.h"
#include "synth/output_sink.h"

namespace growthlens::synth {

using Record = std::vector<std::string>;

/// Splits CSV text into records (RFC 4180: quoted fields may hold commas, doubled quotes and
/// line breaks). Fails the test on malformed quoting.
inline std::vector<Record> ParseCsv(std::string_view text) {
  std::vector<Record> records;
  Record record;
  std::string field;
  bool quoted = false;
  bool field_started = false;
  for (size_t pos = 0; pos < text.size(); ++pos) {
    const char c = text[pos];
    if (quoted) {
      if (c != '"') {
        field += c;
      } else if (pos + 1 < text.size() && text[pos + 1] == '"') {
        field += '"';
        ++pos;
      } else {
        quoted = false;
      }
      continue;
    }
    if (c == '"') {
      EXPECT_TRUE(field.empty() && !field_started) << "quote inside an unquoted field at " << pos;
      quoted = true;
      field_started = true;
    } else if (c == ',') {
      record.push_back(std::move(field));
      field.clear();
      field_started = false;
    } else if (c == '\n') {
      record.push_back(std::move(field));
      field.clear();
      field_started = false;
      records.push_back(std::move(record));
      record.clear();
    } else {
      field += c;
      field_started = true;
    }
  }
  EXPECT_FALSE(quoted) << "unterminated quoted field";
  EXPECT_TRUE(record.empty() && field.empty()) << "the last line has no line feed";
  return records;
}

/// The event log the library writes for these options, as text.
inline std::string GenerateEventText(const UsageGeneratorOptions& options) {
  StringSink sink;
  const Result<GenerationSummary> summary = GenerateEventLog(options, sink);
  EXPECT_TRUE(summary.ok()) << summary.status().message();
  return sink.contents();
}

inline std::string ReadFile(const std::string& path) {
  std::string contents;
  std::FILE* file = std::fopen(path.c_str(), "rb");
  EXPECT_NE(file, nullptr) << path;
  if (file == nullptr) return contents;
  char buffer[1 << 16];
  size_t read = 0;
  while ((read = std::fread(buffer, 1, sizeof(buffer), file)) > 0) contents.append(buffer, read);
  std::fclose(file);
  return contents;
}

// The build passes the path of the growthlens binary as GROWTHLENS_BINARY; without it these
// tests skip.
#ifdef GROWTHLENS_BINARY
constexpr const char* kBinary = GROWTHLENS_BINARY;
#else
constexpr const char* kBinary = nullptr;
#endif

inline int RunBinary(const std::string& arguments) {
  const std::string command = std::string(kBinary) + " " + arguments + " >/dev/null 2>&1";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace growthlens::synth
