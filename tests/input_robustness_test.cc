// Hostile and broken inputs (issue 14): gzip bombs and truncated .gz files, quotes left open,
// UTF-16 files, control bytes in what is printed, counts too large for their integers, formula
// injection through CSV headers, statistics that overflowed, and outputs left half-written by a
// kill. Each case failed (or crashed) before its fix.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "command_runner.h"
#include "core/terminal_text.h"
#include "dataset_kinds.h"
#include "io/encoding.h"
#include "prep/ingest.h"
#include "test_data.h"

namespace growthlens {
namespace {

using nlohmann::json;
using testing::CommandResult;
using testing::kUsageHeader;
using testing::RunCommand;

class InputRobustness : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           fmt::format("growthlens_robustness_{}_{}", ::getpid(),
                       ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Write(const std::string& name, std::string_view bytes) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary)
        .write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return path;
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  /// Runs the binary with `arguments`; expects exit `code` and `message` on stderr.
  static void ExpectFailure(const std::string& arguments, int code, const std::string& message) {
    const CommandResult run = RunCommand(arguments);
    EXPECT_EQ(run.exit_code, code) << arguments << "\n" << run.err;
    EXPECT_NE(run.err.find(message), std::string::npos) << arguments << "\n" << run.err;
  }

  std::filesystem::path dir_;
};

/// A usage log of `rows` rows, one feature per user and day.
std::string UsageLogCsv(int rows) {
  std::string text(kUsageHeader);
  for (int row = 0; row < rows; ++row)
    text += fmt::format("u{},2025-01-01,2025-01-{:02},{},{}\n", row % 97, 1 + row % 28,
                        row % 3 == 0 ? "Search" : "Dashboard", 1 + row % 5);
  return text;
}

/// `text` gzip-compressed as one member at `level`.
std::string Gzip(std::string_view text, int level = Z_DEFAULT_COMPRESSION) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&stream, static_cast<uLong>(text.size())), '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  stream.avail_in = static_cast<uInt>(text.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

// ---- item 6: a truncated .csv.gz is an error naming the file ---------------------------------

TEST_F(InputRobustness, TruncatedGzipIsAnErrorNamingTheFile) {
  const std::string compressed = Gzip(UsageLogCsv(20000));
  const std::string whole = Write("whole.csv.gz", compressed);
  const Result<CleanedData> read = IngestFile(whole, IngestOptions());
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(read->report.records, 20000u);
  // Cut in the middle of the deflate data, and just before the 8-byte trailer.
  for (const size_t keep : {compressed.size() / 2, compressed.size() - 8}) {
    const std::string path = Write("half.csv.gz", std::string_view(compressed).substr(0, keep));
    const Result<CleanedData> cut = IngestFile(path, IngestOptions());
    ASSERT_FALSE(cut.ok()) << keep << " bytes read as " << cut->report.records << " rows";
    EXPECT_EQ(cut.status().code(), ErrorCode::kParseError);
    EXPECT_NE(cut.status().message().find(path), std::string::npos) << cut.status().message();
    EXPECT_NE(cut.status().message().find("truncated"), std::string::npos)
        << cut.status().message();
  }
  ExpectFailure("ingest --no-write --quiet " + Path("half.csv.gz"), 4, "ends early");
}

TEST_F(InputRobustness, ConcatenatedGzipMembersAreOneFileAndTrailingBytesAnError) {
  const std::string first = UsageLogCsv(300);
  const std::string second = "u1,2025-01-01,2025-02-01,Search,2\n";
  const std::string path = Write("two.csv.gz", Gzip(first) + Gzip(second));
  const Result<CleanedData> read = IngestFile(path, IngestOptions());
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(read->report.records, 301u);
  EXPECT_TRUE(IngestFile(Write("padded.csv.gz", Gzip(first) + std::string(64, '\0')), {}).ok());
  const Result<CleanedData> junk = IngestFile(Write("junk.csv.gz", Gzip(first) + "junk"), {});
  ASSERT_FALSE(junk.ok());
  EXPECT_NE(junk.status().message().find("after the end of the gzip data"), std::string::npos)
      << junk.status().message();
}

// ---- item 5: gzip bombs are stopped by a size and a ratio limit --------------------------------

TEST_F(InputRobustness, InflatedSizeIsCapped) {
  const std::string path = Write("big.csv.gz", Gzip(UsageLogCsv(60000)));  // about 2 MB of text
  IngestOptions options;
  options.gzip.max_inflated_bytes = 1 << 20;
  const Result<CleanedData> read = IngestFile(path, options);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), ErrorCode::kDataError);
  EXPECT_NE(read.status().message().find("big.csv.gz: inflates to more than 1.0 MB"),
            std::string::npos)
      << read.status().message();
  ExpectFailure("ingest --no-write --quiet --max-inflated-mb 1 " + path, 6, "--max-inflated-mb");
  EXPECT_EQ(RunCommand("ingest --no-write --quiet --max-inflated-mb 4 " + path).exit_code, 0);
  EXPECT_EQ(RunCommand("ingest --no-write --quiet --max-inflated-mb 0 " + path).exit_code, 2);
}

TEST_F(InputRobustness, GzipBombIsStoppedByTheRatio) {
  // 40 MB of one repeated row compresses about 1000 times: a bomb, refused after 16 MiB.
  std::string text(kUsageHeader);
  const std::string row = "u1,2025-01-01,2025-01-02,Search,1\n";
  while (text.size() < (40u << 20)) text += row;
  const std::string path = Write("bomb.csv.gz", Gzip(text, 9));
  const Result<CleanedData> read = IngestFile(path, IngestOptions());
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().code(), ErrorCode::kDataError);
  EXPECT_NE(read.status().message().find("a gzip bomb?"), std::string::npos)
      << read.status().message();
  IngestOptions relaxed;
  relaxed.gzip.max_ratio = 5000;
  EXPECT_TRUE(IngestFile(path, relaxed).ok());
}

// ---- item 14: a quote left open is an error naming its line, or cut with an option -------------

std::string LogWithOpenQuoteOnLine12() {
  std::string text(kUsageHeader);
  for (int line = 2; line <= 400; ++line) {
    if (line == 12)
      text += "u12,2025-01-01,2025-01-02,\"Search,3\n";  // the quote is never closed
    else
      text += fmt::format("u{},2025-01-01,2025-01-02,Dashboard,1\n", line);
  }
  return text;
}

TEST_F(InputRobustness, QuoteLeftOpenIsAnErrorNamingItsLine) {
  {
    const std::string path = Write("open.csv", LogWithOpenQuoteOnLine12());
    for (const unsigned threads : {1u, 2u}) {
      IngestOptions options;
      options.read.threads = threads;
      const Result<CleanedData> read = IngestFile(path, options);
      ASSERT_FALSE(read.ok()) << read->report.rows_kept << " rows";
      EXPECT_EQ(read.status().code(), ErrorCode::kParseError);
      EXPECT_NE(read.status().message().find("open.csv line 12: a quoted field"), std::string::npos)
          << read.status().message();
    }
    ExpectFailure("analyze --no-write --quiet " + path, 4, "open.csv line 12");
  }
}

TEST_F(InputRobustness, QuoteLeftOpenIsCutAtItsLineEndOnRequest) {
  {
    IngestOptions options;
    options.read.cut_unclosed_quotes = true;
    const Result<CleanedData> read = IngestText(LogWithOpenQuoteOnLine12(), "t.csv", options);
    ASSERT_TRUE(read.ok()) << read.status().message();
    const CleaningReport& report = read->report;
    const auto open_idx = static_cast<size_t>(ParseIssue::kUnterminatedQuote);
    EXPECT_EQ(report.records, 399u);
    EXPECT_EQ(report.malformed[open_idx], 1u);
    ASSERT_EQ(report.malformed_examples[open_idx].size(), 1u);
    EXPECT_EQ(report.malformed_examples[open_idx][0].line, 12u);
    EXPECT_EQ(report.rows_kept, 398u);  // every other line is read on its own
    EXPECT_TRUE(read->dataset.users().Find("u13").has_value());
  }
  const std::string path = Write("open.csv", LogWithOpenQuoteOnLine12());
  const CommandResult run =
      RunCommand("ingest --no-write --unclosed-quotes cut --format json " + path);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(json::parse(run.out)["rows_kept"], 398) << run.out;
  EXPECT_EQ(RunCommand("ingest --no-write --unclosed-quotes maybe " + path).exit_code, 2);
}

TEST_F(InputRobustness, LongQuotedFieldsAreLeftOpenPastTheLimit) {
  std::string text(kUsageHeader);
  text += "u1,2025-01-01,2025-01-02,\"" + std::string(5000, 'x') + "\",1\n";
  text += "u2,2025-01-01,2025-01-02,Search,1\n";
  IngestOptions options;
  EXPECT_TRUE(IngestText(text, "t.csv", options).ok());
  options.read.max_quoted_bytes = 1000;
  const Result<CleanedData> read = IngestText(text, "t.csv", options);
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find("t.csv line 2: a quoted field runs past 1000 bytes"),
            std::string::npos)
      << read.status().message();
}

TEST_F(InputRobustness, ExperimentReadersNameTheLineOfAQuoteLeftOpen) {
  std::string per_user = "user_id,variant,revenue\n";
  for (int user = 0; user < 30; ++user)
    per_user += fmt::format("{},{},{}\n", user, user % 2 == 0 ? "A" : "B", user % 7);
  per_user += "31,\"A,3\n32,B,4\n33,A,5\n";  // line 32
  ExpectFailure("experiment analyze " + Write("users.csv", per_user), 4,
                "users.csv:32: a quoted field opened on this line is not closed");
  ExpectFailure("experiment analyze " +
                    Write("summary.csv", "variant,metric,n,successes\nA,c,100,10\n\"B,c,100,12\n"),
                4, "summary.csv line 3: a quoted field opened on this line is not closed");
}

// ---- item 16: UTF-16 input is transcoded; control bytes never reach the terminal --------------

TEST_F(InputRobustness, Utf16FilesAreTranscoded) {
  const std::string text =
      UsageLogCsv(50) + "u1,2025-01-01,2025-01-09,Caf\xC3\xA9 \xF0\x9F\x93\x88,1\n";
  for (const bool big_endian : {false, true}) {
    for (const bool bom : {true, false}) {
      std::string utf16 = bom ? (big_endian ? "\xFE\xFF" : "\xFF\xFE") : "";
      // UTF-8 to UTF-16 by hand: the text is ASCII but for one 2-byte and one 4-byte character.
      for (size_t pos = 0; pos < text.size();) {
        const auto lead = static_cast<unsigned char>(text[pos]);
        char32_t code = lead;
        size_t length = 1;
        if (lead >= 0xF0) {
          code = lead & 0x07u;
          length = 4;
        } else if (lead >= 0xC0) {
          code = lead & 0x1Fu;
          length = 2;
        }
        for (size_t idx = 1; idx < length; ++idx)
          code = (code << 6) | (static_cast<unsigned char>(text[pos + idx]) & 0x3Fu);
        pos += length;
        std::vector<char16_t> units;
        if (code >= 0x10000)
          units = {static_cast<char16_t>(0xD800 + ((code - 0x10000) >> 10)),
                   static_cast<char16_t>(0xDC00 + ((code - 0x10000) & 0x3FF))};
        else
          units = {static_cast<char16_t>(code)};
        for (const char16_t unit : units) {
          const char high = static_cast<char>(unit >> 8);
          const char low = static_cast<char>(unit & 0xFF);
          utf16 += big_endian ? std::string{high, low} : std::string{low, high};
        }
      }
      const std::string path = Write("utf16.csv", utf16);
      const Result<CleanedData> read = IngestFile(path, IngestOptions());
      ASSERT_TRUE(read.ok()) << read.status().message();
      EXPECT_EQ(read->report.records, 51u) << big_endian << bom;
      EXPECT_EQ(read->report.rows_kept, 51u);
      EXPECT_EQ(read->report.source.encoding, big_endian ? Encoding::kUtf16Be : Encoding::kUtf16Le);
      EXPECT_EQ(read->report.source.bom, bom);
      EXPECT_TRUE(UsageOf(read->dataset).features.Find("Caf\xC3\xA9 \xF0\x9F\x93\x88").has_value());
    }
  }
  // A lone surrogate is an error naming its line.
  const std::string bad = Write("bad.csv", std::string("\xFF\xFE"
                                                       "a\0,\0b\0\n\0\x00\xD8",
                                                       12));
  const Result<CleanedData> read = IngestFile(bad, IngestOptions());
  ASSERT_FALSE(read.ok());
  EXPECT_NE(read.status().message().find("bad.csv line 2: not UTF-16LE"), std::string::npos)
      << read.status().message();
}

TEST_F(InputRobustness, ControlBytesFromTheInputAreShownNotSent) {
  EXPECT_EQ(TerminalSafe("a\x1b[31mred\x07\nnext\tcol\x7f"), "a\\x1B[31mred\\x07\nnext\tcol\\x7F");
  EXPECT_EQ(TerminalSafe("csi \xC2\x9B"
                         "2J caf\xC3\xA9"),
            "csi \\u009B2J caf\xC3\xA9");
  EXPECT_EQ(TerminalSafeCell("two\nlines\ttab"), "two\\nlines\\ttab");
  // An unknown header, with an escape sequence that would clear the screen.
  const std::string path = Write("evil.csv", "user\x1b[2J,when\x1b]0;owned\x07,what\n1,2,3\n");
  const CommandResult run = RunCommand("ingest --no-write " + path);
  EXPECT_EQ(run.exit_code, 5) << run.err;
  EXPECT_EQ(run.err.find('\x1b'), std::string::npos) << run.err;
  EXPECT_EQ(run.err.find('\x07'), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("user\\x1B[2J"), std::string::npos) << run.err;
  // A value in the cleaning report's table.
  std::string text(kUsageHeader);
  text += "u1,2025-01-01,2025-01-02,Search,\x1b[2Jmany\n";
  const CommandResult table = RunCommand("ingest --no-write " + Write("value.csv", text));
  EXPECT_EQ(table.exit_code, 0) << table.err;
  EXPECT_EQ(table.out.find('\x1b'), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("\\x1B[2Jmany"), std::string::npos) << table.out;
}

// ---- item 12: counts beyond their integer type are errors, not undefined behaviour -------------

TEST_F(InputRobustness, HugeCountsInASummaryAreErrors) {
  for (const char* n : {"99999999999999999999", "1e300", "9007199254740994"})
    ExpectFailure("experiment analyze " +
                      Write("summary.csv",
                            fmt::format("variant,metric,n,successes\nA,c,{},10\nB,c,100,12\n", n)),
                  4, fmt::format("line 2 column n: {} is not a non-negative count", n));
  ExpectFailure("experiment analyze " +
                    Write("summary.csv", "variant,metric,n,successes\nA,c,100,1e40\nB,c,100,12\n"),
                4, "column successes: 1e40 is not a non-negative count");
}

// ---- item 11: thousands of arms; every exception ends in a message ----------------------------

TEST_F(InputRobustness, ThousandsOfBalancedArmsGetASampleRatioCheck) {
  std::string text = "variant,metric,n,successes\n";
  for (int arm = 0; arm < 4000; ++arm) text += fmt::format("arm{},conv,100,{}\n", arm, 5 + arm % 7);
  const CommandResult run =
      RunCommand("experiment analyze --format json " + Write("arms.csv", text));
  ASSERT_EQ(run.exit_code, 0) << run.err;  // was 134: Boost's overflow_error escaped main
  const json report = json::parse(run.out);
  EXPECT_EQ(report["srm"]["p_value"], 1.0);
  EXPECT_FALSE(report["srm"]["mismatch"].get<bool>());
}

// ---- item 13: header cells of CSV outputs are neutralised as data cells are -------------------

TEST_F(InputRobustness, FormulaInAFeatureNameIsTextInEveryCsvCell) {
  std::string text(kUsageHeader);
  for (int user = 0; user < 40; ++user) {
    text += fmt::format("u{},2025-01-01,2025-01-{:02},Dashboard,{}\n", user, 2 + user % 20,
                        1 + user % 4);
    if (user % 3 == 0)
      text += fmt::format("u{},2025-01-01,2025-01-{:02},\"=cmd|' /C calc'!A0\",{}\n", user,
                          3 + user % 20, 1 + user % 2);
  }
  const std::string out = Path("out");
  const CommandResult run = RunCommand("analyze --quiet --no-segments --output-dir " + out + " " +
                                       Write("evil.csv", text));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::ifstream correlation(out + "/evil_feature_correlation.csv");
  std::string header;
  std::getline(correlation, header);
  EXPECT_NE(header.find("'=cmd|' /C calc'!A0"), std::string::npos) << header;
  EXPECT_EQ(header.find(",=cmd"), std::string::npos) << header;
  std::string body((std::istreambuf_iterator<char>(correlation)), {});
  EXPECT_EQ(body.find(",=cmd"), std::string::npos) << body;
  EXPECT_NE(body.find("'=cmd"), std::string::npos) << body;
}

// ---- item 15: a kill at any moment leaves the previous complete set or the new one ------------

/// Starts the binary with `arguments` (no shell), waits up to `delay` for it to finish, else
/// kills it with SIGKILL; returns true when it finished by itself with exit code 0.
bool RunAndKill(const std::vector<std::string>& arguments, std::chrono::microseconds delay) {
  std::vector<std::string> words = {GROWTHLENS_BINARY};
  words.insert(words.end(), arguments.begin(), arguments.end());
  std::vector<char*> argv;
  for (std::string& word : words) argv.push_back(word.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  EXPECT_EQ(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + delay;
  bool finished = ::waitpid(pid, &status, WNOHANG) == pid;
  while (!finished && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::min<std::chrono::microseconds>(
        std::chrono::milliseconds(2), std::chrono::duration_cast<std::chrono::microseconds>(
                                          deadline - std::chrono::steady_clock::now())));
    finished = ::waitpid(pid, &status, WNOHANG) == pid;
  }
  if (!finished) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  return finished && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/// The published files of `dir` whose names start with `prefix`: name -> the directory the
/// name resolves into. Dangling names (absent files) are left out.
std::map<std::string, std::string> PublishedFiles(const std::filesystem::path& dir,
                                                  const std::string& prefix) {
  std::map<std::string, std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    std::error_code error;
    const auto real = std::filesystem::canonical(entry.path(), error);
    if (!name.starts_with(prefix) || error) continue;
    files[name] = real.parent_path().string();
  }
  return files;
}

/// Removes what differs between two runs of the same input: wall times ("timings" of the
/// analysis, "seconds" of the cleaning report), at any depth.
void EraseTimings(json& document) {
  if (!document.is_object() && !document.is_array()) return;
  if (document.is_object()) {
    document.erase("timings");
    document.erase("seconds");
  }
  for (json& child : document) EraseTimings(child);
}

/// The size and hash of each published file (the report without its timings, which differ per
/// run).
std::map<std::string, std::string> Contents(const std::filesystem::path& dir,
                                            const std::map<std::string, std::string>& files) {
  std::map<std::string, std::string> contents;
  for (const auto& [name, run] : files) {
    std::ifstream in(dir / name, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), {});
    if (name.ends_with(".json")) {
      json document = json::parse(bytes);  // throws (fails the test) when torn
      EraseTimings(document);
      bytes = document.dump();
    }
    // A digest, not the bytes: a failed comparison prints the names that differ, not megabytes.
    contents[name] =
        fmt::format("{} bytes, hash {:016x}", bytes.size(), std::hash<std::string>{}(bytes));
  }
  return contents;
}

TEST_F(InputRobustness, KilledRunsLeaveTheOldSetOrTheNewOneAndNoTemporaries) {
  const std::string input = Path("log.csv");
  ASSERT_TRUE(RunAndKill({"generate", "--order", "user", "--users", "1500", "--quiet", "-o", input},
                         std::chrono::seconds(20)));
  const std::filesystem::path out = dir_ / "out";
  const std::vector<std::string> analyze = {"analyze", input, "--quiet", "--output-dir",
                                            out.string()};
  const std::vector<std::string> ingest = {"ingest", input, "--quiet", "--output-dir",
                                           out.string()};
  // The reference sets, and how long a whole run takes here.
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(RunAndKill(analyze, std::chrono::seconds(60)));
  ASSERT_TRUE(RunAndKill(ingest, std::chrono::seconds(60)));
  const auto whole_run = std::chrono::duration_cast<std::chrono::microseconds>(
      std::chrono::steady_clock::now() - start);
  const std::map<std::string, std::string> reference = Contents(out, PublishedFiles(out, "log_"));
  ASSERT_GE(reference.size(), 14u);  // 12 tables, the report, the model, the clean data, ...

  // Kills at random moments over a run's length (bounded: 16 runs of each command).
  std::mt19937 random(20261206);
  for (int round = 0; round < 16; ++round) {
    const auto delay = std::chrono::microseconds(random() % (whole_run.count() + 1));
    RunAndKill(round % 2 == 0 ? analyze : ingest, delay);
    RunAndKill(round % 2 == 0 ? ingest : analyze, delay / 2);
    const std::map<std::string, std::string> published = PublishedFiles(out, "log_");
    // Whole sets: every file there, complete, and each set's names in one run directory.
    EXPECT_EQ(Contents(out, published), reference) << "round " << round;
    std::set<std::string> runs;
    for (const auto& [name, run] : published) runs.insert(run);
    EXPECT_EQ(runs.size(), 2u) << "round " << round;  // the analysis set and the ingest set
    for (const auto& entry : std::filesystem::directory_iterator(out))
      EXPECT_EQ(entry.path().filename().string().find(".tmp."), std::string::npos) << entry.path();
  }
  // The next whole runs sweep what the killed ones left: only the two current run directories.
  ASSERT_TRUE(RunAndKill(analyze, std::chrono::seconds(60)));
  ASSERT_TRUE(RunAndKill(ingest, std::chrono::seconds(60)));
  size_t run_dirs = 0;
  for (const auto& entry : std::filesystem::directory_iterator(out / ".growthlens"))
    run_dirs += entry.is_directory() && !entry.is_symlink() ? 1 : 0;
  EXPECT_EQ(run_dirs, 2u);
  EXPECT_EQ(Contents(out, PublishedFiles(out, "log_")), reference);
}

TEST_F(InputRobustness, KilledGenerateLeavesNoPartialFileBehindTheNextRun) {
  const std::string output = Path("big.csv");
  for (const int milliseconds : {150, 400}) {
    RunAndKill({"generate", "--users", "400000", "--quiet", "-o", output},
               std::chrono::milliseconds(milliseconds));
    EXPECT_FALSE(std::filesystem::exists(output));  // never a truncated file under the name
  }
  ASSERT_TRUE(RunAndKill({"generate", "--users", "200", "--quiet", "-o", output},
                         std::chrono::seconds(20)));
  EXPECT_TRUE(std::filesystem::exists(output));
  for (const auto& entry : std::filesystem::directory_iterator(dir_))
    EXPECT_EQ(entry.path().filename().string().find(".partial"), std::string::npos) << entry.path();
}

}  // namespace
}  // namespace growthlens
