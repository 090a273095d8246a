#include "prep/chunked_ingest.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <unordered_map>
#include <unordered_set>

#include "core/event_properties.h"
#include "core/hash.h"
#include "io/ndjson_reader.h"

namespace growthlens {

namespace {

/// Distinct values of a property followed across chunks; past it the file is read whole (the
/// whole file's reader drops a property past kMaxPropertyValues, a chunk's might not).
constexpr size_t kMaxFollowedPropertyValues = 65536;

size_t CountOf(std::string_view text, size_t begin, size_t end, char wanted) {
  return static_cast<size_t>(std::count(text.begin() + begin, text.begin() + end, wanted));
}

/// The start of the first line after `pos` that begins outside quotes, `begin` being the start
/// of a record (a cut there would fall inside a quoted field's line break).
size_t RecordStartAfter(std::string_view text, size_t begin, size_t pos) {
  bool open = CountOf(text, begin, pos, '"') % 2 == 1;
  size_t at = pos;
  while (at < text.size()) {
    const size_t next = NextLineStart(text, at);
    open ^= CountOf(text, at, next, '"') % 2 == 1;
    if (!open) return next;
    at = next;
  }
  return text.size();
}

/// Where the `lines`-th line after `begin` starts.
size_t SkipLines(std::string_view text, size_t begin, uint64_t lines) {
  size_t at = begin;
  for (uint64_t line = 0; line < lines && at < text.size(); ++line) at = NextLineStart(text, at);
  return at;
}

void ShiftLines(std::vector<RowExample>& examples, uint64_t shift) {
  for (RowExample& example : examples) example.line += shift;
}

void AppendExamples(std::vector<RowExample>& total, std::vector<RowExample>&& part,
                    size_t max_examples) {
  for (RowExample& example : part)
    if (total.size() < max_examples) total.push_back(std::move(example));
}

/// A staged table's rows in file order, as (user, day) keys: the user's text hashed.
struct RowKeys {
  std::vector<uint64_t> user;
  std::vector<Day> day;
  /// Rows of unparsable dates share one day: they are told apart by the rest of what was parsed
  /// (0 for the other rows). Equal rows have equal keys; unequal ones rarely, and then the file
  /// is read whole.
  std::vector<uint64_t> unparsable;
};

RowKeys KeysOf(const StagedTable& table) {
  const StringDictionary& users = table.dictionaries.users;
  const StringDictionary& features = table.dictionaries.features;
  std::vector<uint64_t> user_hash(users.size());
  for (uint32_t code = 0; code < users.size(); ++code) user_hash[code] = HashBytes(users[code]);
  RowKeys keys;
  keys.user.reserve(table.rows());
  keys.day.reserve(table.rows());
  for (const StagedChunk& chunk : table.chunks)
    for (size_t row = 0; row < chunk.rows(); ++row) {
      const uint32_t code = chunk.user[row];
      keys.user.push_back(code == kNullCode ? 0 : user_hash[code] | 1);
      keys.day.push_back(chunk.day[row]);
      keys.unparsable.push_back(
          chunk.day[row] != kInvalidDay
              ? 0
              : HashBytes(fmt::format(
                    "{}\x1f{}\x1f{}\x1f{}", keys.user.back(),
                    chunk.feature[row] < features.size() ? features[chunk.feature[row]]
                                                         : std::string_view(),
                    chunk.events[row], chunk.ms_of_day.size() > row ? chunk.ms_of_day[row] : 0)));
    }
  return keys;
}

/// The line row `row` (counted over the table's chunks) starts on.
uint64_t LineOfRow(const StagedTable& table, size_t row) {
  for (const StagedChunk& chunk : table.chunks) {
    if (row < chunk.rows()) return chunk.lines.LineOf(static_cast<uint32_t>(row));
    row -= chunk.rows();
  }
  return 0;
}

/// The row to cut before: the last change of the key (user or day) that changes less often;
/// 0 when one of them never changes (a chunk inside one user or one day: take more lines).
/// Rows of unparsable dates change no day: a cut there would split the day around them.
size_t CutRow(const RowKeys& keys) {
  size_t user_changes = 0;
  size_t day_changes = 0;
  size_t last_user_change = 0;
  size_t last_day_change = 0;
  std::optional<Day> last_day;
  for (size_t row = 0; row < keys.user.size(); ++row) {
    if (row > 0 && keys.user[row] != keys.user[row - 1]) {
      ++user_changes;
      last_user_change = row;
    }
    if (keys.day[row] == kInvalidDay) continue;
    if (last_day && keys.day[row] != *last_day) {
      ++day_changes;
      last_day_change = row;
    }
    last_day = keys.day[row];
  }
  if (user_changes == 0 || day_changes == 0) return 0;
  return day_changes <= user_changes ? last_day_change : last_user_change;
}

}  // namespace

Result<ChunkedFile> ChunkedFile::Plan(const std::string& path, const IngestOptions& options,
                                      size_t chunk_bytes) {
  ChunkedFile file;
  file.name_ = std::filesystem::path(path).filename().string();
  file.options_ = options;
  chunk_bytes = std::max(chunk_bytes, kMinChunkBytes);
  if (options.strict) {
    file.whole_file_reason_ = "--strict names the first malformed line of the whole file";
    return file;
  }
  Result<InputBuffer> input =
      InputBuffer::Load(path, options.encoding, Utf8Check::kByReader, options.gzip);
  if (!input.ok()) return input.status();
  file.source_ = DescribeSource(*input, file.name_);
  const std::string_view text = input->text();
  if (!input->utf8_unchecked()) {
    file.whole_file_reason_ = "a gzip file or one not in UTF-8 is read into memory whole";
    return file;
  }
  if (LooksLikeNdjson(file.name_, text)) {
    file.whole_file_reason_ = "NDJSON is read whole";
    return file;
  }
  if (text.empty() || text.front() == '\n' || text.front() == '\r') {
    file.whole_file_reason_ = "the file does not start with its header";
    return file;
  }
  const size_t header_end = RecordStartAfter(text, 0, 0);
  file.header_ = std::string(text.substr(0, header_end));
  const uint64_t header_lines = CountOf(text, 0, header_end, '\n');
  if (text.size() - header_end <= chunk_bytes) {  // one chunk: nothing to check
    file.chunks_.push_back(Chunk{header_end, text.size(), 0});
    file.input_ = std::make_unique<InputBuffer>(std::move(input).value());
    return file;
  }

  std::unordered_set<uint64_t> seen_users;
  std::unordered_set<Day> seen_days;
  std::unordered_set<uint64_t> seen_unparsable;
  std::unordered_map<std::string, std::unordered_set<uint64_t>> property_values;
  std::optional<CsvReadResult> first;  // the first chunk's reading, without its rows
  const auto fall_back = [&](std::string reason) {
    file.whole_file_reason_ = std::move(reason);
    file.chunks_.clear();
    return std::move(file);
  };
  size_t begin = header_end;
  uint64_t lines_before = header_lines;  // line breaks before `begin`
  size_t want = chunk_bytes;
  while (begin < text.size()) {
    const bool to_end = want >= text.size() - begin;
    const size_t end = to_end ? text.size() : RecordStartAfter(text, begin, begin + want);
    std::string chunk_text = file.header_;
    chunk_text.append(text.substr(begin, end - begin));
    Result<InputBuffer> buffer =
        InputBuffer::FromText(std::move(chunk_text), options.encoding, file.name_);
    if (!buffer.ok()) return fall_back(std::string(buffer.status().message()));
    Result<CsvReadResult> read = ReadCsv(*buffer, file.name_, options.read);
    // The whole file's reading says what is wrong, with the whole file's line numbers.
    if (!read.ok()) return fall_back(std::string(read.status().message()));
    const StagedTable& table = read->table;
    const ColumnMapping& mapping = table.mapping;
    if (ByKind(mapping.kind, false, true))
      return fall_back("cancellations are netted against purchases across the whole file");
    if (mapping.Has(Role::kSignup))
      return fall_back("users whose rows disagree on signup_date are counted over the whole file");
    if (read->source.encoding != Encoding::kUtf8)
      return fall_back("a part of the file is not UTF-8");
    if (!first) {
      first = CsvReadResult{};
      first->source = read->source;
      first->table.mapping = mapping;
      first->table.date_expectation = table.date_expectation;
      first->table.property_notes = table.property_notes;
    } else if (read->source.delimiter != first->source.delimiter ||
               mapping.kind != first->table.mapping.kind ||
               mapping.schema != first->table.mapping.schema ||
               table.date_expectation != first->table.date_expectation ||
               table.property_notes != first->table.property_notes) {
      return fall_back(
          "a part of the file reads with another delimiter, date format or properties");
    }
    for (const StagedProperty& property : table.properties) {
      std::unordered_set<uint64_t>& values = property_values[property.name];
      for (uint32_t code = 0; code < property.values.size(); ++code)
        values.insert(HashBytes(property.values[code]));
      if (values.size() > kMaxFollowedPropertyValues)
        return fall_back(fmt::format("property '{}' has more than {} distinct values",
                                     property.name, kMaxFollowedPropertyValues));
    }
    if (property_values.size() > kMaxEventProperties)
      return fall_back("more properties than an event log keeps");

    const RowKeys keys = KeysOf(table);
    size_t rows = keys.user.size();
    size_t chunk_end = end;
    if (!to_end) {
      const size_t cut = CutRow(keys);
      if (cut == 0) {  // one user or one day throughout: take more lines
        want *= 2;
        continue;
      }
      rows = cut;
      chunk_end = SkipLines(text, begin, LineOfRow(table, cut) - 1 - header_lines);
    }
    // Rows of unparsable dates share one day, so they are kept apart by the rest of the row: a
    // file in time order has a few of them in every chunk.
    for (size_t row = 0; row < rows; ++row)
      if (keys.day[row] == kInvalidDay
              ? seen_unparsable.contains(keys.unparsable[row])
              : seen_users.contains(keys.user[row]) && seen_days.contains(keys.day[row]))
        return fall_back(
            "a user's rows of one day are in two parts of the file (it is neither grouped by "
            "user nor in time order)");
    for (size_t row = 0; row < rows; ++row) {
      if (keys.day[row] == kInvalidDay) {
        seen_unparsable.insert(keys.unparsable[row]);
      } else {
        seen_users.insert(keys.user[row]);
        seen_days.insert(keys.day[row]);
      }
    }
    file.kind_ = mapping.kind;
    file.chunks_.push_back(Chunk{begin, chunk_end, lines_before - header_lines});
    lines_before += CountOf(text, begin, chunk_end, '\n');
    input->Release(begin, chunk_end);
    begin = chunk_end;
    want = chunk_bytes;
  }
  file.input_ = std::make_unique<InputBuffer>(std::move(input).value());
  return file;
}

Result<CleanedData> ChunkedFile::Clean(size_t index) const {
  const Chunk& chunk = chunks_.at(index);
  std::string text = header_;
  text.append(input_->text().substr(chunk.begin, chunk.end - chunk.begin));
  input_->Release(chunk.begin, chunk.end);
  Result<CleanedData> cleaned = IngestText(std::move(text), name_, options_);
  if (!cleaned.ok()) return cleaned.status();
  CleaningReport& report = cleaned->report;
  for (std::vector<RowExample>& examples : report.malformed_examples)
    ShiftLines(examples, chunk.line_shift);
  ShiftLines(report.filtered_examples, chunk.line_shift);
  for (RuleOutcome& outcome : report.rules) ShiftLines(outcome.examples, chunk.line_shift);
  const unsigned threads = report.source.threads;
  report.source = source_;
  report.source.threads = threads;
  return cleaned;
}

void AddChunkReport(CleaningReport& total, CleaningReport&& part, size_t max_examples) {
  if (total.source.name.empty()) {
    total = std::move(part);
    return;
  }
  total.records += part.records;
  total.blank_lines += part.blank_lines;
  total.filtered_out += part.filtered_out;
  AppendExamples(total.filtered_examples, std::move(part.filtered_examples), max_examples);
  for (std::string& name : part.properties)
    if (std::find(total.properties.begin(), total.properties.end(), name) == total.properties.end())
      total.properties.push_back(std::move(name));
  for (size_t issue = 0; issue < kParseIssueCount; ++issue) {
    total.malformed[issue] += part.malformed[issue];
    AppendExamples(total.malformed_examples[issue], std::move(part.malformed_examples[issue]),
                   max_examples);
  }
  for (size_t rule = 0; rule < kCleaningRuleCount; ++rule) {
    total.rules[rule].dropped += part.rules[rule].dropped;
    AppendExamples(total.rules[rule].examples, std::move(part.rules[rule].examples), max_examples);
  }
  total.rows_kept += part.rows_kept;
  total.signup_conflicts += part.signup_conflicts;
  total.read_seconds += part.read_seconds;
  total.clean_seconds += part.clean_seconds;
}

}  // namespace growthlens
