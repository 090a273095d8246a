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

  /// Parses the lines in text[begin, end); `end` is a line start or the end of the text. The
  /// pages of a mapped file behind the parser are released as it goes (nothing keeps a view).
  void Run(const InputBuffer& input, std::string_view text, size_t begin, size_t end) {
    constexpr size_t kReleaseBytes = size_t{8} << 20;
    size_t pos = begin;
    size_t released = begin;
    while (pos < end) {
      if (pos - released >= kReleaseBytes) released = input.Release(released, pos);
      const size_t next = NextLineStart(text, pos);
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

  /// A scalar as the line gave it: its text (a string's, or a number's as written) and kind.
  struct Scalar {
    enum Kind : uint8_t {
      kAbsent,
      kNull,
      kBool,
      kInteger,
      kFloat,
      kString,
      kNested
    } kind = kAbsent;
    std::string text;
    int64_t integer = 0;  // kInteger
    double number = 0;    // kFloat
  };
  /// What one line holds, filled by the SAX pass (or the DOM pass for nested values).
  struct LineFields {
    Scalar user, time, event, count;
    std::vector<Scalar> where;  // per --where filter: its key's value
    bool bad_properties = false;
    std::string bad_properties_key;
  };

  Scalar* RoleSlot(KeyUse use) {
    switch (use) {
      case KeyUse::kUser:
        return &fields_.user;
      case KeyUse::kTime:
        return &fields_.time;
      case KeyUse::kEvent:
        return &fields_.event;
      case KeyUse::kCount:
        return &fields_.count;
      default:
        return nullptr;
    }
  }

  // The top-level key's value goes to its role, the --where filters that name it, or the
  // properties.
  void TopLevel(const std::string& key, const Scalar& value) {
    for (size_t filter = 0; filter < mapping_.where.size(); ++filter) {
      const std::string& name = mapping_.where[filter].name;
      if (key == name || NormalizeColumnName(key) == NormalizeColumnName(name))
        fields_.where[filter] = value;
    }
    const KeyUse use = UseOf(key);
    if (Scalar* slot = RoleSlot(use)) {
      *slot = value;
    } else if (use == KeyUse::kProperties) {
      if (value.kind != Scalar::kNull) {
        fields_.bad_properties = true;
        fields_.bad_properties_key = key;
      }
    } else if (use == KeyUse::kProperty && value.kind != Scalar::kNull) {
      properties_.Set(key, value.text);
    }
  }

  /// nlohmann's SAX interface: flat objects (nearly every line) are read without building a
  /// document; a nested value other than the properties object stops it (`nested`), and the
  /// line is read again as a document.
  class Sax {
   public:
    explicit Sax(NdjsonChunkParser& parser) : parser_(parser) {}
    bool nested = false, not_object = false, syntax_error = false;

    bool null() { return Put(Scalar{Scalar::kNull, {}, 0, 0}); }
    bool boolean(bool value) { return Put(Scalar{Scalar::kBool, value ? "true" : "false", 0, 0}); }
    bool number_integer(int64_t value) {
      return Put(Scalar{Scalar::kInteger, std::to_string(value), value, 0});
    }
    bool number_unsigned(uint64_t value) {
      Scalar scalar{Scalar::kString, std::to_string(value), 0, 0};
      if (value <= static_cast<uint64_t>(INT64_MAX)) {
        scalar.kind = Scalar::kInteger;
        scalar.integer = static_cast<int64_t>(value);
      }
      return Put(std::move(scalar));
    }
    bool number_float(double value, const std::string& text) {
      return Put(Scalar{Scalar::kFloat, text, 0, value});
    }
    bool string(std::string& value) { return Put(Scalar{Scalar::kString, std::move(value), 0, 0}); }
    template <typename Binary>
    bool binary(Binary&) {
      return Nested();
    }
    bool start_object(size_t) {
      if (depth_ == 0) {
        depth_ = 1;
        return true;
      }
      if (depth_ == 1 && parser_.UseOf(key_) == KeyUse::kProperties) {
        depth_ = 2;
        return true;
      }
      return Nested();
    }
    bool key(std::string& name) {
      (depth_ == 1 ? key_ : property_key_) = std::move(name);
      return true;
    }
    bool end_object() {
      --depth_;
      return true;
    }
    bool start_array(size_t) {
      if (depth_ == 0) {
        not_object = true;
        return false;
      }
      return Nested();
    }
    bool end_array() { return true; }
    bool parse_error(size_t, const std::string&, const nlohmann::detail::exception&) {
      syntax_error = true;
      return false;
    }

   private:
    bool Nested() {
      nested = true;
      return false;
    }
    bool Put(Scalar value) {
      if (depth_ == 0) {
        not_object = true;
        return false;
      }
      if (depth_ == 1)
        parser_.TopLevel(key_, value);
      else if (value.kind != Scalar::kNull)
        parser_.properties_.Set(property_key_, value.text);
      return true;
    }

    NdjsonChunkParser& parser_;
    int depth_ = 0;
    std::string key_, property_key_;
  };

  // The line as a document: for values nested deeper than the properties object, which keep
  // their JSON text.
  void ReadDocument(const Json& object) {
    for (auto it = object.begin(); it != object.end(); ++it) {
      const Json& value = it.value();
      if (UseOf(it.key()) == KeyUse::kProperties && value.is_object()) {
        for (auto property = value.begin(); property != value.end(); ++property) {
          TextOf(property.value(), text_);
          if (!property.value().is_null()) properties_.Set(property.key(), text_);
        }
        continue;
      }
      Scalar scalar;
      TextOf(value, scalar.text);
      scalar.kind = value.is_null()             ? Scalar::kNull
                    : value.is_boolean()        ? Scalar::kBool
                    : value.is_number_integer() ? Scalar::kInteger
                    : value.is_number_float()   ? Scalar::kFloat
                    : value.is_string()         ? Scalar::kString
                                                : Scalar::kNested;
      if (scalar.kind == Scalar::kInteger) scalar.integer = value.get<int64_t>();
      if (scalar.kind == Scalar::kFloat) scalar.number = value.get<double>();
      TopLevel(it.key(), scalar);
    }
  }

  std::optional<int64_t> MillisOf(const Scalar& time) {
    if (time.kind == Scalar::kFloat) {
      if (!std::isfinite(time.number) || std::fabs(time.number) > 1e15) return std::nullopt;
      return static_cast<int64_t>(
          std::floor(time.number < kEpochMillisFrom ? time.number * 1000 : time.number));
    }
    if (time.kind != Scalar::kString && time.kind != Scalar::kInteger) return std::nullopt;
    return dates_.ParseMillis(time.text);
  }

  void ParseLine(std::string_view line) {
    fields_ = LineFields();
    fields_.where.resize(mapping_.where.size());
    Sax sax(*this);
    const bool parsed = Json::sax_parse(line, &sax, nlohmann::detail::input_format_t::json,
                                        /*strict=*/true);
    if (!parsed && sax.nested) {
      properties_.Discard();
      fields_ = LineFields();
      fields_.where.resize(mapping_.where.size());
      const Json object = Json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (object.is_object()) {
        ReadDocument(object);
      } else {
        sax.syntax_error = object.is_discarded();
        sax.not_object = !sax.syntax_error;
      }
    }
    if (sax.syntax_error || sax.not_object) {
      Reject(ParseIssue::kBadJson, "", line,
             sax.syntax_error
                 ? "expected one JSON object per line, such as {\"user_id\": \"u1\", \"event\": "
                   "\"login\", \"timestamp\": \"2025-03-01T12:00:00Z\"}"
                 : "expected a JSON object, found another JSON value");
      return;
    }
    AddEvent(line);
  }

  // --where: the key's value as text must equal the filter's.
  bool PassesFilters(std::string_view line) {
    for (size_t filter_idx = 0; filter_idx < mapping_.where.size(); ++filter_idx) {
      const RowFilter& filter = mapping_.where[filter_idx];
      const Scalar& value = fields_.where[filter_idx];
      if (value.kind != Scalar::kAbsent && value.text == filter.value) continue;
      ++out_.filtered_out;
      if (out_.filtered_examples.size() < max_examples_)
        out_.filtered_examples.push_back(
            {line_, filter.name, ExampleOf(value.kind == Scalar::kAbsent ? line : value.text),
             fmt::format("--where {}={}", filter.name, filter.value)});
      return false;
    }
    return true;
  }

  void AddEvent(std::string_view line) {
    if (!mapping_.where.empty() && !PassesFilters(line)) {
      properties_.Discard();
      return;
    }
    if (fields_.bad_properties) {
      Reject(ParseIssue::kBadJson, fields_.bad_properties_key, line,
             "expected an object of property values, such as {\"plan\": \"pro\"}");
      return;
    }
    const LineFields& fields = fields_;
    if (fields.time.kind == Scalar::kAbsent || fields.event.kind == Scalar::kAbsent) {
      std::vector<std::string> missing;
      if (fields.event.kind == Scalar::kAbsent) missing.push_back(KeyName(Role::kItem, "event"));
      if (fields.time.kind == Scalar::kAbsent) missing.push_back(KeyName(Role::kTime, "timestamp"));
      Reject(ParseIssue::kMissingField, missing.front(), line,
             fmt::format("expected the key{} {}", missing.size() > 1 ? "s" : "",
                         fmt::join(missing, " and ")));
      return;
    }
    int32_t events = 1;
    if (fields.count.kind != Scalar::kAbsent && fields.count.kind != Scalar::kNull) {
      std::optional<int32_t> parsed;
      if (fields.count.kind == Scalar::kInteger) {
        if (fields.count.integer >= INT32_MIN && fields.count.integer <= INT32_MAX)
          parsed = static_cast<int32_t>(fields.count.integer);
      } else if (fields.count.kind == Scalar::kString) {
        parsed = ParseInt32(fields.count.text);
      }
      if (!parsed) {
        Reject(ParseIssue::kBadNumber, KeyName(Role::kCount, "count"), fields.count.text,
               "expected a whole number");
        return;
      }
      events = *parsed;
    }
    uint32_t user_code = kNullCode;
    if (fields.user.kind != Scalar::kAbsent && fields.user.kind != Scalar::kNull &&
        !fields.user.text.empty())
      user_code = out_.dictionaries.users.Intern(fields.user.text);
    const uint32_t feature = out_.dictionaries.features.Intern(fields.event.text);
    Day day = kInvalidDay;
    int32_t ms_of_day = 0;
    if (const std::optional<int64_t> millis = MillisOf(fields.time)) {
      const int64_t day_of = *millis >= 0
                                 ? *millis / kNdjsonMillisPerDay
                                 : (*millis - kNdjsonMillisPerDay + 1) / kNdjsonMillisPerDay;
      if (day_of > INT32_MIN + 1 && day_of < INT32_MAX) {
        day = static_cast<Day>(day_of);
        ms_of_day = static_cast<int32_t>(*millis - day_of * kNdjsonMillisPerDay);
      }
    }
    const size_t row = out_.rows();
    if (day == kInvalidDay)
      out_.unparsable_dates.push_back({static_cast<uint32_t>(row),
                                       out_.unparsable_date_texts.Intern(fields.time.text),
                                       Role::kTime});
    out_.lines.Add(static_cast<uint32_t>(row), line_);
    out_.user.push_back(user_code);
    out_.signup.Append(kNoDay, day);
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
  LineFields fields_;
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
  source = DescribeSource(input, name);
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
        chunk_idx == 0 ? 0 : NextLineStart(text, text.size() * chunk_idx / threads - 1);
  table.chunks.resize(threads);
  std::vector<std::optional<NdjsonChunkParser>> parsers(threads);
  for (unsigned chunk_idx = 0; chunk_idx < threads; ++chunk_idx)
    parsers[chunk_idx].emplace(table.mapping, options.columns, *dates, options.max_examples,
                               table.chunks[chunk_idx]);
  {
    std::vector<std::jthread> workers;
    for (unsigned chunk_idx = 1; chunk_idx < threads; ++chunk_idx)
      workers.emplace_back([&, chunk_idx] {
        parsers[chunk_idx]->Run(input, text, begin[chunk_idx],
                                std::max(begin[chunk_idx], begin[chunk_idx + 1]));
      });
    parsers[0]->Run(input, text, 0, std::max(begin[0], begin[1]));
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
