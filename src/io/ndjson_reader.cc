#include "io/ndjson_reader.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>
#include <thread>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>

#include "io/column_mapping.h"
#include "io/date_parser.h"
#include "io/number_parser.h"
#include "io/staged_properties.h"

namespace growthlens {

namespace {

// Below this a second thread costs more than it saves.
constexpr size_t kNdjsonBytesPerThread = 1 << 20;
constexpr size_t kNdjsonExampleBytes = 80;
constexpr int64_t kNdjsonMillisPerDay = int64_t{86'400} * 1000;
// Epoch numbers below this are seconds, from it milliseconds (as date_parser does for text).
constexpr double kEpochMillisFrom = 1e11;

using Json = nlohmann::ordered_json;  // keys in the order written: properties keep it

std::string ExampleOf(std::string_view text) {
  if (text.size() <= kNdjsonExampleBytes) return std::string(text);
  return std::string(text.substr(0, kNdjsonExampleBytes)) + "...";
}

// A scalar as text: strings as they are, numbers and booleans as written, null as "".
void TextOf(const Json& value, std::string& out) {
  out.clear();
  if (value.is_string())
    out = value.get_ref<const std::string&>();
  else if (!value.is_null())
    out = value.dump();
}

size_t NextLineAfter(std::string_view text, size_t pos) {
  if (pos >= text.size()) return text.size();
  const void* newline = std::memchr(text.data() + pos, '\n', text.size() - pos);
  return newline == nullptr
             ? text.size()
             : static_cast<size_t>(static_cast<const char*>(newline) - text.data()) + 1;
}

/// What a top-level key holds.
enum class KeyUse : uint8_t { kUser, kTime, kEvent, kCount, kProperties, kIgnored, kProperty };

class NdjsonChunkParser {
 public:
  NdjsonChunkParser(const ColumnMapping& mapping, const ColumnOverrides& overrides,
                    const DateParser& dates, size_t max_examples, StagedChunk& out)
      : mapping_(mapping),
        overrides_(overrides),
        dates_(dates),
        max_examples_(max_examples),
        out_(out),
        properties_(mapping, out) {}

  /// Parses the lines in text[begin, end); `end` is a line start or the end of the text.
  void Run(std::string_view text, size_t begin, size_t end) {
    size_t pos = begin;
    while (pos < end) {
      const size_t next = NextLineAfter(text, pos);
      std::string_view line = text.substr(pos, next - pos);
      while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
      ++line_;
      if (line.find_first_not_of(" \t") == std::string_view::npos) {
        ++out_.blank_lines;
      } else {
        ++out_.records;
        ParseLine(line);
      }
      pos = next;
    }
    out_.newlines = line_;
    properties_.Finish(out_.rows());
  }

  /// The first key seen for each role (user, time, event, count), for the report.
  const std::array<std::string, 4>& role_keys() const { return role_keys_; }
  bool saw_count() const { return !role_keys_[3].empty(); }

 private:
  KeyUse UseOf(const std::string& key) {
    for (const auto& [known, use] : key_uses_)
      if (known == key) return use;
    KeyUse use = KeyUse::kProperty;
    const std::string normalized = NormalizeColumnName(key);
    if (const std::optional<Role> role = EventRoleOfKey(key, overrides_)) {
      size_t slot = 0;
      switch (*role) {
        case Role::kUser:
          use = KeyUse::kUser;
          break;
        case Role::kTime:
          use = KeyUse::kTime;
          slot = 1;
          break;
        case Role::kItem:
          use = KeyUse::kEvent;
          slot = 2;
          break;
        default:
          use = KeyUse::kCount;
          slot = 3;
          break;
      }
      if (role_keys_[slot].empty()) role_keys_[slot] = key;
    } else if (normalized == "properties") {
      use = KeyUse::kProperties;
    } else if (normalized == "uuid" || normalized == "insertid") {
      use = KeyUse::kIgnored;  // the event's identity, not a property
    }
    if (key_uses_.size() < 256) key_uses_.emplace_back(key, use);
    return use;
  }

  void Reject(ParseIssue issue, std::string column, std::string_view line, std::string message) {
    properties_.Discard();
    const auto issue_idx = static_cast<size_t>(issue);
    ++out_.issue_counts[issue_idx];
    auto& examples = out_.issue_examples[issue_idx];
    if (examples.size() < max_examples_)
      examples.push_back({line_, std::move(column), ExampleOf(line), std::move(message)});
  }

  // --where: the key's value as text must equal the filter's.
  bool PassesFilters(const Json& object, std::string_view line) {
    for (const RowFilter& filter : mapping_.where) {
      auto at = object.find(filter.name);
      if (at == object.end())
        for (auto it = object.begin(); it != object.end(); ++it)
          if (NormalizeColumnName(it.key()) == NormalizeColumnName(filter.name)) {
            at = it;
            break;
          }
      if (at != object.end()) TextOf(*at, text_);
      if (at != object.end() && text_ == filter.value) continue;
      ++out_.filtered_out;
      if (out_.filtered_examples.size() < max_examples_)
        out_.filtered_examples.push_back({line_, filter.name,
                                          ExampleOf(at == object.end() ? line : text_),
                                          fmt::format("--where {}={}", filter.name, filter.value)});
      return false;
    }
    return true;
  }

  std::optional<int64_t> MillisOf(const Json& time) {
    if (time.is_number_float()) {
      const double value = time.get<double>();
      if (!std::isfinite(value) || std::fabs(value) > 1e15) return std::nullopt;
      return static_cast<int64_t>(std::floor(value < kEpochMillisFrom ? value * 1000 : value));
    }
    TextOf(time, text_);
    return dates_.ParseMillis(text_);
  }

  void ParseLine(std::string_view line) {
    const Json object = Json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!object.is_object()) {
      Reject(ParseIssue::kBadJson, "", line,
             object.is_discarded()
                 ? "expected one JSON object per line, such as {\"user_id\": \"u1\", \"event\": "
                   "\"login\", \"timestamp\": \"2025-03-01T12:00:00Z\"}"
                 : "expected a JSON object, found another JSON value");
      return;
    }
    if (!mapping_.where.empty() && !PassesFilters(object, line)) return;
    const Json *user = nullptr, *time = nullptr, *event = nullptr, *count = nullptr;
    for (auto it = object.begin(); it != object.end(); ++it) {
      const Json& value = it.value();
      switch (UseOf(it.key())) {
        case KeyUse::kUser:
          user = user == nullptr ? &value : user;
          break;
        case KeyUse::kTime:
          time = time == nullptr ? &value : time;
          break;
        case KeyUse::kEvent:
          event = event == nullptr ? &value : event;
          break;
        case KeyUse::kCount:
          count = count == nullptr ? &value : count;
          break;
        case KeyUse::kProperties:
          if (!value.is_object() && !value.is_null()) {
            Reject(ParseIssue::kBadJson, it.key(), line,
                   "expected an object of property values, such as {\"plan\": \"pro\"}");
            return;
          }
          for (auto property = value.begin(); value.is_object() && property != value.end();
               ++property) {
            TextOf(property.value(), text_);
            properties_.Set(property.key(), text_);
          }
          break;
        case KeyUse::kIgnored:
          break;
        case KeyUse::kProperty:
          TextOf(value, text_);
          properties_.Set(it.key(), text_);
          break;
      }
    }
    if (time == nullptr || event == nullptr) {
      std::vector<std::string> missing;
      if (event == nullptr) missing.push_back(KeyName(Role::kItem, "event"));
      if (time == nullptr) missing.push_back(KeyName(Role::kTime, "timestamp"));
      Reject(ParseIssue::kMissingField, missing.front(), line,
             fmt::format("expected the key{} {}", missing.size() > 1 ? "s" : "",
                         fmt::join(missing, " and ")));
      return;
    }
    int32_t events = 1;
    if (count != nullptr && !count->is_null()) {
      std::optional<int32_t> parsed;
      if (count->is_number_integer()) {
        const int64_t value = count->get<int64_t>();
        if (value >= INT32_MIN && value <= INT32_MAX) parsed = static_cast<int32_t>(value);
      } else if (count->is_string()) {
        parsed = ParseInt32(count->get_ref<const std::string&>());
      }
      if (!parsed) {
        Reject(ParseIssue::kBadNumber, KeyName(Role::kCount, "count"), count->dump(),
               "expected a whole number");
        return;
      }
      events = *parsed;
    }
    uint32_t user_code = kNullCode;
    if (user != nullptr && !user->is_null()) {
      TextOf(*user, text_);
      if (!text_.empty()) user_code = out_.dictionaries.users.Intern(text_);
    }
    TextOf(*event, text_);
    const uint32_t feature = out_.dictionaries.features.Intern(text_);
    Day day = kInvalidDay;
    int32_t ms_of_day = 0;
    if (const std::optional<int64_t> millis = MillisOf(*time)) {
      const int64_t day_of = *millis >= 0
                                 ? *millis / kNdjsonMillisPerDay
                                 : (*millis - kNdjsonMillisPerDay + 1) / kNdjsonMillisPerDay;
      if (day_of > INT32_MIN + 1 && day_of < INT32_MAX) {
        day = static_cast<Day>(day_of);
        ms_of_day = static_cast<int32_t>(*millis - day_of * kNdjsonMillisPerDay);
      }
    }
    const size_t row = out_.rows();
    if (day == kInvalidDay) {
      TextOf(*time, text_);
      out_.unparsable_dates.push_back(
          {static_cast<uint32_t>(row), out_.unparsable_date_texts.Intern(text_), Role::kTime});
    }
    out_.lines.Add(static_cast<uint32_t>(row), line_);
    out_.user.push_back(user_code);
    out_.signup.push_back(kNoDay);
    out_.day.push_back(day);
    // Codes past 65,535 wrap here, but the reader then refuses the file as a whole.
    out_.feature.push_back(static_cast<uint16_t>(feature));
    out_.events.push_back(events);
    out_.ms_of_day.push_back(ms_of_day);
    properties_.Commit(row);
  }

  std::string KeyName(Role role, const char* fallback) const {
    const std::string& given = overrides_.name[static_cast<size_t>(role)];
    return given.empty() ? std::string(fallback) : given;
  }

  const ColumnMapping& mapping_;
  const ColumnOverrides& overrides_;
  const DateParser& dates_;
  size_t max_examples_;
  StagedChunk& out_;
  PropertyStager properties_;
  std::vector<std::pair<std::string, KeyUse>> key_uses_;  // keys seen, a few dozen at most
  std::array<std::string, 4> role_keys_;                  // user, time, event, count
  std::string text_;
  uint64_t line_ = 0;  // chunk-relative, 1-based once a line is read
};

unsigned NdjsonThreads(unsigned requested, size_t bytes) {
  const unsigned hardware =
      requested > 0 ? requested : std::max(1u, std::thread::hardware_concurrency());
  return static_cast<unsigned>(std::clamp<size_t>(bytes / kNdjsonBytesPerThread, 1, hardware));
}

// The mapping the report shows: the keys that held each role.
ColumnMapping NdjsonMapping(const CsvReadOptions& options,
                            const std::array<std::string, 4>& role_keys, bool counts) {
  ColumnMapping mapping;
  mapping.kind = DataKind::kEvents;
  mapping.schema = SchemaName::kEventLog;
  mapping.column.fill(kUnmapped);
  const std::pair<Role, const char*> roles[] = {{Role::kUser, "user_id"},
                                                {Role::kTime, "timestamp"},
                                                {Role::kItem, "event"},
                                                {Role::kCount, "count"}};
  for (size_t slot = 0; slot < 4; ++slot) {
    const auto [role, fallback] = roles[slot];
    if (role == Role::kCount && !counts) continue;
    const std::string& given = options.columns.name[static_cast<size_t>(role)];
    mapping.column[static_cast<size_t>(role)] = static_cast<int>(mapping.header.size());
    mapping.header.push_back(!role_keys[slot].empty() ? role_keys[slot]
                             : !given.empty()         ? given
                                                      : fallback);
  }
  for (const auto& [name, value] : options.columns.where)
    mapping.where.push_back({kUnmapped, name, value});
  mapping.property_selection = options.columns.properties;
  return mapping;
}

}  // namespace

bool IsNdjsonName(std::string_view name) {
  if (name.size() >= 3 && name.substr(name.size() - 3) == ".gz") name.remove_suffix(3);
  const auto ends_with = [name](std::string_view suffix) {
    return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
  };
  return ends_with(".ndjson") || ends_with(".jsonl") || ends_with(".NDJSON") || ends_with(".JSONL");
}

bool LooksLikeNdjson(std::string_view name, std::string_view text) {
  if (IsNdjsonName(name)) return true;
  const size_t first = text.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && text[first] == '{';
}

Result<CsvReadResult> ReadNdjson(InputBuffer& input, const std::string& name,
                                 const CsvReadOptions& options) {
  const std::string_view text = input.text();
  CsvReadResult result;
  CsvSourceInfo& source = result.source;
  source.name = name;
  source.source_bytes = input.source_bytes();
  source.text_bytes = text.size();
  source.encoding = input.source_encoding();
  source.gzip = input.was_gzip();
  source.bom = input.had_bom();
  source.json_lines = true;
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
    return Status(ErrorCode::kParseError,
                  fmt::format("{}: the file is empty; expected one JSON object per line", name));
  if (options.columns.kind && *options.columns.kind != DataKind::kEvents)
    return Status(ErrorCode::kSchemaError,
                  fmt::format("{}: NDJSON input holds events; --kind {} cannot read it", name,
                              DataKindName(*options.columns.kind)));
  Result<DateParser> dates = DateParser::FromSpec(options.date_format);
  if (!dates.ok()) return dates.status();

  StagedTable& table = result.table;
  // The parsers need the filters and the selection; the roles' keys are known after them.
  table.mapping = NdjsonMapping(options, {}, false);
  table.date_expectation = dates->Expected();
  const unsigned threads = NdjsonThreads(options.threads, text.size());
  source.threads = threads;
  std::vector<size_t> begin(threads + 1, text.size());
  for (unsigned chunk_idx = 0; chunk_idx < threads; ++chunk_idx)
    begin[chunk_idx] =
        chunk_idx == 0 ? 0 : NextLineAfter(text, text.size() * chunk_idx / threads - 1);
  table.chunks.resize(threads);
  std::vector<std::optional<NdjsonChunkParser>> parsers(threads);
  for (unsigned chunk_idx = 0; chunk_idx < threads; ++chunk_idx)
    parsers[chunk_idx].emplace(table.mapping, options.columns, *dates, options.max_examples,
                               table.chunks[chunk_idx]);
  {
    std::vector<std::jthread> workers;
    for (unsigned chunk_idx = 1; chunk_idx < threads; ++chunk_idx)
      workers.emplace_back([&, chunk_idx] {
        parsers[chunk_idx]->Run(text, begin[chunk_idx],
                                std::max(begin[chunk_idx], begin[chunk_idx + 1]));
      });
    parsers[0]->Run(text, 0, std::max(begin[0], begin[1]));
  }
  std::array<std::string, 4> role_keys;
  bool counts = false;
  for (const std::optional<NdjsonChunkParser>& parser : parsers) {
    for (size_t slot = 0; slot < role_keys.size(); ++slot)
      if (role_keys[slot].empty()) role_keys[slot] = parser->role_keys()[slot];
    counts = counts || parser->saw_count();
  }
  parsers.clear();
  table.mapping = NdjsonMapping(options, role_keys, counts);

  MergeStagedChunks(table, 0, threads);
  TotalStagedIssues(table, 0, options.max_examples);
  MergeStagedProperties(table, threads);
  for (const std::string& wanted : options.columns.properties.names) {
    const bool found = std::any_of(
        table.properties.begin(), table.properties.end(), [&](const StagedProperty& property) {
          return NormalizeColumnName(property.name) == NormalizeColumnName(wanted);
        });
    if (!found)
      table.property_notes.push_back(
          fmt::format("--property {}: no line has this property", wanted));
  }
  if (table.dictionaries.features.size() > UINT16_MAX)
    return Status(ErrorCode::kDataError,
                  fmt::format("{}: {} distinct events; at most {} are supported", name,
                              table.dictionaries.features.size(), UINT16_MAX));
  return result;
}

}  // namespace growthlens
