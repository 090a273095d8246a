#include "io/chunk_parser.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <span>
#include <vector>

#include <fmt/format.h>

#include "io/number_parser.h"
#include "io/staged_properties.h"
#include "io/text_window.h"

namespace growthlens {

namespace {

constexpr size_t kMaxExampleValueBytes = 80;
constexpr int64_t kMillisPerDay = kSecondsPerDay * 1000;

/// Interns a column's strings through two caches before the dictionary: the previous value
/// (logs sorted by user or invoice repeat it on consecutive rows) and a small direct-mapped
/// table keyed by length and end bytes, which catches the few values of columns like
/// feature_name or Country without hashing the string. The caches compare with the
/// dictionary's copy, never with the input: the input's pages are released behind the parser,
/// and a view of them would fault them (whole large folios) back in.
class CachedInterner {
 public:
  explicit CachedInterner(StringDictionary& dictionary) : dictionary_(dictionary) {
    recent_.fill(kNullCode);
  }
  uint32_t Intern(std::string_view text) {
    if (last_code_ != kNullCode && ShortStringEquals(dictionary_[last_code_], text))
      return last_code_;
    if (!text.empty()) {
      const uint32_t recent = recent_[RecentSlot(text)];
      if (recent != kNullCode && ShortStringEquals(dictionary_[recent], text))
        return last_code_ = recent;
    }
    return InternSlow(text);
  }

 private:
  static constexpr size_t kRecentSlots = 32;
  static size_t RecentSlot(std::string_view text) {
    const auto first = static_cast<unsigned char>(text.front());
    const auto last = static_cast<unsigned char>(text.back());
    return (text.size() * 31 + first * 7 + last) % kRecentSlots;
  }

  [[gnu::noinline]] uint32_t InternSlow(std::string_view text) {
    last_code_ = dictionary_.Intern(text);
    if (!text.empty()) recent_[RecentSlot(text)] = last_code_;
    return last_code_;
  }

  StringDictionary& dictionary_;
  uint32_t last_code_ = kNullCode;
  std::array<uint32_t, kRecentSlots> recent_;
};

/// Interns user ids. Ids are mostly small decimal numbers, and logs in time order (or none)
/// repeat them far apart, where hashing and comparing strings costs three cache misses a
/// row: a canonical decimal id (no sign, no leading zero) below 2^22 finds its code in a
/// table indexed by its value (4 bytes per value up to the largest seen, 16 MB at most per
/// chunk). Other ids go through the cached dictionary; the codes are the same either way.
class UserInterner {
 public:
  explicit UserInterner(StringDictionary& dictionary) : texts_(dictionary) {}

  uint32_t Intern(std::string_view text) {
    const size_t digits = text.size();
    if (digits == 0 || digits > kMaxDigits || (text[0] == '0' && digits > 1))
      return texts_.Intern(text);
    uint32_t value = 0;
    for (const char c : text) {
      const auto digit = static_cast<uint32_t>(static_cast<unsigned char>(c) - '0');
      if (digit > 9) return texts_.Intern(text);
      value = value * 10 + digit;
    }
    if (value >= kTableLimit) return texts_.Intern(text);
    if (value >= by_value_.size()) Widen(value);
    uint32_t& code = by_value_[value];
    if (code == kNullCode) code = texts_.Intern(text);
    return code;
  }

 private:
  static constexpr size_t kMaxDigits = 7;  // so the value fits in 32 bits without checks
  static constexpr uint32_t kTableLimit = uint32_t{1} << 22;

  [[gnu::noinline]] void Widen(uint32_t value) {
    by_value_.resize(std::max<size_t>(std::bit_ceil(size_t{value} + 1), 1024), kNullCode);
  }

  CachedInterner texts_;
  std::vector<uint32_t> by_value_;  // code by id value; kNullCode: not seen yet
};

/// Parses a date column. Plain ISO dates ("2025-03-17", ten bytes) take a fast path: the
/// "YYYY-MM-" prefix is looked up in a small table of months seen (logs revisit a few dozen
/// months), so only the day digits are read. Other texts remember the previous one.
class CachedDateParser {
 public:
  explicit CachedDateParser(const DateParser& parser)
      : parser_(parser), iso_fast_path_(parser.AcceptsIso()) {}

  /// The time of `text`, or kInvalidTime for text that is not a date.
  Timestamp Parse(std::string_view text) {
    if (const std::optional<Day> day = FastIsoDay(text))
      return static_cast<Timestamp>(*day) * kSecondsPerDay;
    return ParseSlow(text);
  }
  /// The day of `text`, or kInvalidDay.
  Day ParseDay(std::string_view text) {
    if (const std::optional<Day> day = FastIsoDay(text)) return *day;
    const Timestamp time = ParseSlow(text);
    return time == kInvalidTime ? kInvalidDay : DayOf(time);
  }

 private:
  static constexpr size_t kIsoDateBytes = 10;
  struct Month {
    uint64_t prefix = 0;  // the "YYYY-MM-" bytes; 0 matches none
    Day start = 0;
    unsigned days = 0;
  };
  static constexpr size_t kMonthSlots = 64;
  static size_t MonthSlot(uint64_t prefix) {
    return static_cast<size_t>((prefix * 0x9E3779B97F4A7C15ULL) >> 58);
  }

  std::optional<Day> FastIsoDay(std::string_view text) const {
    if (!iso_fast_path_ || text.size() != kIsoDateBytes) return std::nullopt;
    uint64_t head;
    std::memcpy(&head, text.data(), sizeof(head));
    const Month& month = months_[MonthSlot(head)];
    if (month.prefix != head) return std::nullopt;
    const unsigned tens = static_cast<unsigned char>(text[8]) - unsigned{'0'};
    const unsigned ones = static_cast<unsigned char>(text[9]) - unsigned{'0'};
    const unsigned day_of_month = tens * 10 + ones;
    if (tens >= 10 || ones >= 10 || day_of_month - 1 >= month.days) return std::nullopt;
    return month.start + static_cast<Day>(day_of_month) - 1;
  }

  [[gnu::noinline]] Timestamp ParseSlow(std::string_view text) {
    if (iso_fast_path_ && text.size() == kIsoDateBytes) {
      if (const std::optional<Day> day = ParseIsoDate(text)) {
        const CivilDate date = CivilFromDays(*day);
        uint64_t head;
        std::memcpy(&head, text.data(), sizeof(head));
        months_[MonthSlot(head)] = {head, *day - (date.day - 1),
                                    static_cast<unsigned>(DaysInMonth(date.year, date.month))};
        return static_cast<Timestamp>(*day) * kSecondsPerDay;
      }
    }
    if (has_last_ && text == last_text_) return last_value_;
    has_last_ = true;
    last_text_.assign(text);
    last_value_ = parser_.Parse(text).value_or(kInvalidTime);
    return last_value_;
  }

  const DateParser& parser_;
  bool iso_fast_path_;
  std::array<Month, kMonthSlots> months_{};
  bool has_last_ = false;
  std::string last_text_;
  Timestamp last_value_ = kInvalidTime;
};

std::string Abbreviate(std::string_view text) {
  if (text.size() <= kMaxExampleValueBytes) return std::string(text);
  return std::string(text.substr(0, kMaxExampleValueBytes)) + "...";
}

class ChunkParser {
 public:
  ChunkParser(const ChunkParseOptions& options, StagedChunk& out)
      : options_(options),
        mapping_(*options.mapping),
        out_(out),
        users_(out.dictionaries.users),
        features_(out.dictionaries.features),
        invoices_(out.dictionaries.invoices),
        stock_codes_(out.dictionaries.stock_codes),
        descriptions_(out.dictionaries.descriptions),
        countries_(out.dictionaries.countries),
        time_parser_(*options.dates),
        signup_parser_(*options.dates),
        properties_(*options.mapping, out),
        allow_decimal_comma_(options.dialect.delimiter != ',') {}

  size_t Run(std::string_view text, size_t begin, size_t nominal_end, size_t reserve_until,
             uint64_t line_offset) {
    SizeColumns(EstimateRows(text, begin, reserve_until == 0 ? nominal_end : reserve_until));
    CsvCursor cursor(text, options_.dialect, begin, text.size(), options_.max_quoted_bytes);
    TextWindow window(options_.input, begin, options_.utf8_failed);
    std::vector<std::string_view> fields;
    const size_t expected_fields = mapping_.header.size();
    // Records of plain fields (nearly all) skip the general reader; see CsvCursor::NextPlain.
    std::array<std::string_view, kMaxPlainFields> plain_fields;
    const std::span<std::string_view> plain(
        plain_fields.data(), expected_fields <= kMaxPlainFields ? expected_fields : 0);
    while (cursor.position() < nominal_end && window.Advance(cursor.position())) {
      if (plain.size() >= 2) {
        // Up to the end of what the window checked, which the next Advance() extends.
        const size_t stop = std::min(nominal_end, window.checked_until());
        cursor.ReadPlainRecords(plain, stop, [&](std::span<const std::string_view> record) {
          line_ = line_offset + cursor.record_newlines() + 1;
          ++out_.records;
          AddRow(record);
        });
        if (cursor.position() >= stop) continue;
      }
      if (!cursor.Next(fields)) break;
      // Chunk-relative line of the record's first line; the merge adds the chunk's offset.
      line_ = line_offset + cursor.record_newlines() + 1;
      if (cursor.blank_line()) {
        ++out_.blank_lines;
        continue;
      }
      ++out_.records;
      // A quote left open would swallow the lines after it, to the end of the input.
      if (cursor.unterminated_quote()) [[unlikely]] {
        RejectOpenQuote(cursor, text.size());
        continue;
      }
      if (fields.size() != expected_fields) {
        Reject(ParseIssue::kWrongFieldCount, "",
               Abbreviate(
                   text.substr(cursor.record_start(), cursor.position() - cursor.record_start())),
               fmt::format("expected {} fields, found {}", expected_fields, fields.size()));
        continue;
      }
      AddRow(fields);
    }
    SizeColumns(rows_);
    properties_.Finish(rows_);
    out_.newlines = cursor.newlines();
    out_.invalid_utf8 = !window.Finish(cursor.position());
    return cursor.position();
  }

 private:
  static constexpr size_t kMaxPlainFields = 32;

  void AddRow(std::span<const std::string_view> fields) {
    if (!mapping_.where.empty() && !PassesFilters(fields)) [[unlikely]]
      return;
    if (mapping_.kind == DataKind::kEvents)
      AddEventRow(fields);
    else if (ByKind(mapping_.kind, true, false))
      AddUsageRow(fields);
    else
      AddTransactionRow(fields);
  }

  // --where: a record whose column differs from the value is counted, with an example, not read.
  [[gnu::noinline]] bool PassesFilters(std::span<const std::string_view> fields) {
    for (const RowFilter& filter : mapping_.where) {
      const std::string_view value = fields[static_cast<size_t>(filter.column)];
      if (value == filter.value) continue;
      ++out_.filtered_out;
      if (out_.filtered_examples.size() < options_.max_examples)
        out_.filtered_examples.push_back({line_, filter.name, Abbreviate(value),
                                          fmt::format("--where {}={}", filter.name, filter.value)});
      return false;
    }
    return true;
  }

  // Rows in [begin, end) judged from the line length of its first 64 KiB, with 5% to spare:
  // growing columns by doubling would copy them and fault in fresh pages again and again.
  static size_t EstimateRows(std::string_view text, size_t begin, size_t end) {
    constexpr size_t kSampleBytes = 64 * 1024;
    const size_t sample_end = std::min(end, begin + kSampleBytes);
    size_t lines = 0;
    for (size_t pos = begin; pos < sample_end; ++pos) lines += text[pos] == '\n' ? 1 : 0;
    if (lines == 0 || sample_end <= begin) return 0;
    const double bytes_per_line =
        static_cast<double>(sample_end - begin) / static_cast<double>(lines);
    return static_cast<size_t>(static_cast<double>(end - begin) / bytes_per_line * 1.05) + 16;
  }

  // The columns are sized ahead (resize does not zero them, see Column) and written by
  // index, rows_ of them so far: cheaper per row than push_back on each column.
  template <typename Function>
  void ForEachColumn(Function&& function) {
    function(out_.user);
    if (ByKind(mapping_.kind, true, false)) {
      function(out_.signup);
      function(out_.day);
      function(out_.feature);
      function(out_.events);
      if (mapping_.kind == DataKind::kEvents) function(out_.ms_of_day);
      return;
    }
    function(out_.invoice);
    function(out_.stock_code);
    function(out_.description);
    function(out_.country);
    function(out_.quantity);
    function(out_.time);
    function(out_.price);
  }
  void SizeColumns(size_t rows) {
    ForEachColumn([rows](auto& column) { column.resize(rows); });
    capacity_ = rows;
  }
  size_t NextRow() {
    if (rows_ == capacity_) [[unlikely]]
      SizeColumns(capacity_ + capacity_ / 2 + 1024);
    out_.lines.Add(static_cast<uint32_t>(rows_), line_);
    return rows_++;
  }

  std::string_view Field(std::span<const std::string_view> fields, Role role) const {
    const int column = mapping_[role];
    return column == kUnmapped ? std::string_view() : fields[static_cast<size_t>(column)];
  }

  Timestamp ParseDate(CachedDateParser& parser, std::string_view text, Role role) {
    const Timestamp parsed = parser.Parse(text);
    if (parsed == kInvalidTime) [[unlikely]]
      NoteUnparsableDate(text, role);
    return parsed;
  }
  Day ParseDay(CachedDateParser& parser, std::string_view text, Role role) {
    const Day parsed = parser.ParseDay(text);
    if (parsed == kInvalidDay) [[unlikely]]
      NoteUnparsableDate(text, role);
    return parsed;
  }
  void NoteUnparsableDate(std::string_view text, Role role) {
    out_.unparsable_dates.push_back(
        {static_cast<uint32_t>(rows_), out_.unparsable_date_texts.Intern(text), role});
  }

  // Cuts the record of a quote left open at the end of its first line (the next line is read
  // on its own) and counts it; the reader fails naming the line unless cutting was asked for.
  // Out of line: the parse loop stays small enough for the interners to inline into it.
  [[gnu::noinline]] void RejectOpenQuote(CsvCursor& cursor, size_t text_size) {
    std::string message =
        cursor.position() >= text_size
            ? std::string("a quoted field is not closed before the end of the file")
            : fmt::format("a quoted field runs past {} bytes without closing",
                          options_.max_quoted_bytes);
    const std::string value = Abbreviate(cursor.CutRecordAtLineEnd());
    if (out_.first_open_quote.line == 0) out_.first_open_quote = {line_, "", value, message};
    Reject(ParseIssue::kUnterminatedQuote, "", value, std::move(message));
  }

  void Reject(ParseIssue issue, std::string column, std::string value, std::string message) {
    const auto issue_idx = static_cast<size_t>(issue);
    ++out_.issue_counts[issue_idx];
    auto& examples = out_.issue_examples[issue_idx];
    if (examples.size() < options_.max_examples)
      examples.push_back({line_, std::move(column), std::move(value), std::move(message)});
  }

  // Parses a count column; a missing column counts as 1 (one event, one unit).
  bool ReadCount(std::span<const std::string_view> fields, int32_t& count) {
    if (!mapping_.Has(Role::kCount)) {
      count = 1;
      return true;
    }
    // Inline for the usual count of a few plain digits; everything else takes ReadCountText.
    const std::string_view text = Field(fields, Role::kCount);
    if (!text.empty() && text.size() <= 9) {
      int32_t value = 0;
      size_t digit_idx = 0;
      for (; digit_idx < text.size(); ++digit_idx) {
        const unsigned digit = static_cast<unsigned char>(text[digit_idx]) - unsigned{'0'};
        if (digit > 9) break;
        value = value * 10 + static_cast<int32_t>(digit);
      }
      if (digit_idx == text.size()) {
        count = value;
        return true;
      }
    }
    return ReadCountText(text, count);
  }
  [[gnu::noinline]] bool ReadCountText(std::string_view text, int32_t& count) {
    const std::optional<int32_t> value = ParseInt32(text);
    if (!value) {
      Reject(ParseIssue::kBadNumber, mapping_.NameOf(Role::kCount), Abbreviate(text),
             "expected a whole number");
      return false;
    }
    count = *value;
    return true;
  }

  void AddUsageRow(std::span<const std::string_view> fields) {
    int32_t events = 0;
    if (!ReadCount(fields, events)) return;
    const uint32_t user = UserCode(fields);
    Day signup = kNoDay;
    if (mapping_.Has(Role::kSignup)) {
      const std::string_view signup_text = Field(fields, Role::kSignup);
      if (!signup_text.empty()) signup = ParseDay(signup_parser_, signup_text, Role::kSignup);
    }
    const Day day = ParseDay(time_parser_, Field(fields, Role::kTime), Role::kTime);
    PutUsageRow(fields, user, signup, day, events);
  }

  uint32_t UserCode(std::span<const std::string_view> fields) {
    const std::string_view user_text = Field(fields, Role::kUser);
    return user_text.empty() ? kNullCode : users_.Intern(user_text);
  }

  // A usage or event row's columns but the time of day; returns its index.
  size_t PutUsageRow(std::span<const std::string_view> fields, uint32_t user, Day signup, Day day,
                     int32_t events) {
    // Codes past 65,535 wrap here, but the reader then refuses the file as a whole.
    const auto feature = static_cast<uint16_t>(features_.Intern(Field(fields, Role::kItem)));
    const size_t row = NextRow();
    out_.user[row] = user;
    out_.signup.Put(row, signup, day);
    out_.day[row] = day;
    out_.feature[row] = feature;
    out_.events[row] = events;
    return row;
  }

  // An event: its time to the millisecond, split into the UTC day and the time of day.
  void AddEventRow(std::span<const std::string_view> fields) {
    int32_t events = 0;
    if (!ReadCount(fields, events)) return;
    const uint32_t user = UserCode(fields);
    const std::string_view time_text = Field(fields, Role::kTime);
    const std::optional<int64_t> millis = options_.dates->ParseMillis(time_text);
    Day day = kInvalidDay;
    int32_t ms_of_day = 0;
    if (millis) {
      const int64_t day_of =
          *millis >= 0 ? *millis / kMillisPerDay : (*millis - kMillisPerDay + 1) / kMillisPerDay;
      // Days past Day's range are invalid (the cleaning rule's range is far narrower anyway).
      if (day_of > INT32_MIN + 1 && day_of < INT32_MAX) {
        day = static_cast<Day>(day_of);
        ms_of_day = static_cast<int32_t>(*millis - day_of * kMillisPerDay);
      }
    }
    if (!mapping_.properties.empty() && !StageProperties(fields)) [[unlikely]]
      return;
    if (day == kInvalidDay) [[unlikely]]
      NoteUnparsableDate(time_text, Role::kTime);
    const size_t row = PutUsageRow(fields, user, kNoDay, day, events);
    out_.ms_of_day[row] = ms_of_day;
    if (!mapping_.properties.empty()) properties_.Commit(row);
  }

  // The row's property columns; false (the row rejected) when a JSON column is not an object.
  bool StageProperties(std::span<const std::string_view> fields) {
    for (size_t source = 0; source < mapping_.properties.size(); ++source) {
      const PropertySource& property = mapping_.properties[source];
      const std::string_view text = fields[static_cast<size_t>(property.column)];
      if (!property.json) {
        properties_.SetFixed(source, text);
      } else if (!properties_.SetJsonObject(text)) [[unlikely]] {
        properties_.Discard();
        Reject(ParseIssue::kBadJson, property.name, Abbreviate(text),
               "expected a JSON object such as {\"plan\": \"pro\"}");
        return false;
      }
    }
    return true;
  }

  void AddTransactionRow(std::span<const std::string_view> fields) {
    int32_t quantity = 0;
    if (!ReadCount(fields, quantity)) return;
    double price = 0;
    const Role price_role = mapping_.Has(Role::kPrice) ? Role::kPrice : Role::kAmount;
    const std::string_view price_text = Field(fields, price_role);
    const std::optional<double> parsed_price = ParseDouble(price_text, allow_decimal_comma_);
    if (!parsed_price) {
      Reject(ParseIssue::kBadNumber, mapping_.NameOf(price_role), Abbreviate(price_text),
             "expected a number such as 2.55");
      return;
    }
    // A line total becomes a unit price so that quantity x price gives it back.
    price = price_role == Role::kAmount && quantity != 0 ? *parsed_price / quantity : *parsed_price;
    const std::string_view customer_text = Field(fields, Role::kUser);
    const Timestamp time = ParseDate(time_parser_, Field(fields, Role::kTime), Role::kTime);
    const uint32_t invoice = invoices_.Intern(Field(fields, Role::kOrder));
    const uint32_t stock_code = stock_codes_.Intern(Field(fields, Role::kItem));
    const uint32_t description = descriptions_.Intern(Field(fields, Role::kDescription));
    const uint32_t customer = customer_text.empty() ? kNullCode : users_.Intern(customer_text);
    const uint32_t country = countries_.Intern(Field(fields, Role::kCountry));
    const size_t row = NextRow();
    out_.invoice[row] = invoice;
    out_.stock_code[row] = stock_code;
    out_.description[row] = description;
    out_.quantity[row] = quantity;
    out_.time[row] = time;
    out_.price[row] = price;
    out_.user[row] = customer;
    out_.country[row] = country;
  }

  const ChunkParseOptions& options_;
  const ColumnMapping& mapping_;
  StagedChunk& out_;
  UserInterner users_;
  CachedInterner features_, invoices_, stock_codes_, descriptions_, countries_;
  CachedDateParser time_parser_, signup_parser_;
  PropertyStager properties_;
  bool allow_decimal_comma_;
  uint64_t line_ = 0;
  size_t rows_ = 0;
  size_t capacity_ = 0;
};

}  // namespace

size_t ParseChunk(std::string_view text, size_t begin, size_t nominal_end,
                  const ChunkParseOptions& options, StagedChunk& out, size_t reserve_until,
                  uint64_t line_offset) {
  ChunkParser parser(options, out);
  return parser.Run(text, begin, nominal_end, reserve_until, line_offset);
}

}  // namespace growthlens
