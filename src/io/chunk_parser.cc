#include "io/chunk_parser.h"

#include <algorithm>
#include <array>
#include <cstring>

#include <fmt/format.h>

#include "io/number_parser.h"
#include "io/text_window.h"

namespace growthlens {

namespace {

constexpr size_t kMaxExampleValueBytes = 80;

/// Interns a column's strings through two caches before the dictionary: the previous value
/// (logs sorted by user or invoice repeat it on consecutive rows) and a small direct-mapped
/// table keyed by length and end bytes, which catches the few values of columns like
/// feature_name or Country without hashing the string.
class CachedInterner {
 public:
  explicit CachedInterner(StringDictionary& dictionary) : dictionary_(dictionary) {
    recent_.fill(kNullCode);
  }
  uint32_t Intern(std::string_view text) {
    if (last_code_ != kNullCode && ShortStringEquals(dictionary_[last_code_], text))
      return last_code_;
    if (text.empty()) return last_code_ = dictionary_.Intern(text);
    uint32_t& recent = recent_[RecentSlot(text)];
    if (recent != kNullCode && ShortStringEquals(dictionary_[recent], text))
      return last_code_ = recent;
    recent = dictionary_.Intern(text);
    return last_code_ = recent;
  }

 private:
  static constexpr size_t kRecentSlots = 32;
  static size_t RecentSlot(std::string_view text) {
    const auto first = static_cast<unsigned char>(text.front());
    const auto last = static_cast<unsigned char>(text.back());
    return (text.size() * 31 + first * 7 + last) % kRecentSlots;
  }

  StringDictionary& dictionary_;
  uint32_t last_code_ = kNullCode;
  std::array<uint32_t, kRecentSlots> recent_;
};

/// Parses a date column, remembering the previous text for the same reason. Plain ISO dates
/// ("2025-03-17", ten bytes) take a fast path: when the "YYYY-MM-" prefix repeats, only the
/// day digits are read. Returns kInvalidTime for text that is not a date.
class CachedDateParser {
 public:
  explicit CachedDateParser(const DateParser& parser)
      : parser_(parser), iso_fast_path_(parser.AcceptsIso()) {}

  Timestamp Parse(std::string_view text) {
    if (iso_fast_path_ && text.size() == kIsoDateBytes) {
      uint64_t head;
      std::memcpy(&head, text.data(), sizeof(head));
      if (head == month_prefix_) {
        const unsigned tens = static_cast<unsigned char>(text[8]) - unsigned{'0'};
        const unsigned ones = static_cast<unsigned char>(text[9]) - unsigned{'0'};
        const unsigned day_of_month = tens * 10 + ones;
        if (tens < 10 && ones < 10 && day_of_month - 1 < month_days_)
          return static_cast<Timestamp>(month_start_ + static_cast<Day>(day_of_month) - 1) *
                 kSecondsPerDay;
      }
    }
    return ParseSlow(text);
  }

 private:
  [[gnu::noinline]] Timestamp ParseSlow(std::string_view text) {
    if (iso_fast_path_ && text.size() == kIsoDateBytes) {
      if (const std::optional<Day> day = ParseIsoDate(text)) {
        const CivilDate date = CivilFromDays(*day);
        std::memcpy(&month_prefix_, text.data(), sizeof(month_prefix_));
        month_start_ = *day - (date.day - 1);
        month_days_ = static_cast<unsigned>(DaysInMonth(date.year, date.month));
        return static_cast<Timestamp>(*day) * kSecondsPerDay;
      }
    }
    if (has_last_ && text == last_text_) return last_value_;
    has_last_ = true;
    last_text_.assign(text);
    last_value_ = parser_.Parse(text).value_or(kInvalidTime);
    return last_value_;
  }

  static constexpr size_t kIsoDateBytes = 10;
  const DateParser& parser_;
  bool iso_fast_path_;
  uint64_t month_prefix_ = 0;  // the "YYYY-MM-" bytes of the last ISO date; 0 matches none
  Day month_start_ = 0;
  unsigned month_days_ = 0;
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
        allow_decimal_comma_(options.dialect.delimiter != ',') {}

  size_t Run(std::string_view text, size_t begin, size_t nominal_end, size_t reserve_until,
             uint64_t line_offset) {
    Reserve(EstimateRows(text, begin, reserve_until == 0 ? nominal_end : reserve_until));
    CsvCursor cursor(text, options_.dialect, begin, text.size());
    TextWindow window(options_.input, begin, options_.utf8_failed);
    std::vector<std::string_view> fields;
    const size_t expected_fields = mapping_.header.size();
    while (cursor.position() < nominal_end && window.Advance(cursor.position()) &&
           cursor.Next(fields)) {
      // Chunk-relative line of the record's first line; the merge adds the chunk's offset.
      line_ = line_offset + cursor.record_newlines() + 1;
      if (cursor.blank_line()) {
        ++out_.blank_lines;
        continue;
      }
      ++out_.records;
      if (cursor.unterminated_quote()) {
        Reject(ParseIssue::kUnterminatedQuote, "", Abbreviate(fields.back()),
               "a quoted field is never closed before the end of the file");
        continue;
      }
      if (fields.size() != expected_fields) {
        Reject(ParseIssue::kWrongFieldCount, "",
               Abbreviate(
                   text.substr(cursor.record_start(), cursor.position() - cursor.record_start())),
               fmt::format("expected {} fields, found {}", expected_fields, fields.size()));
        continue;
      }
      if (mapping_.kind == DataKind::kUsage)
        AddUsageRow(fields);
      else
        AddTransactionRow(fields);
    }
    out_.newlines = cursor.newlines();
    out_.invalid_utf8 = !window.Finish(cursor.position());
    return cursor.position();
  }

 private:
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

  void Reserve(size_t rows) {
    out_.user.reserve(rows);
    if (mapping_.kind == DataKind::kUsage) {
      out_.signup.reserve(rows);
      out_.day.reserve(rows);
      out_.feature.reserve(rows);
      out_.events.reserve(rows);
      return;
    }
    for (auto* column : {&out_.invoice, &out_.stock_code, &out_.description, &out_.country})
      column->reserve(rows);
    out_.quantity.reserve(rows);
    out_.time.reserve(rows);
    out_.price.reserve(rows);
  }

  std::string_view Field(const std::vector<std::string_view>& fields, Role role) const {
    const int column = mapping_[role];
    return column == kUnmapped ? std::string_view() : fields[static_cast<size_t>(column)];
  }

  Timestamp ParseDate(CachedDateParser& parser, std::string_view text, Role role) {
    const Timestamp parsed = parser.Parse(text);
    if (parsed == kInvalidTime) [[unlikely]]
      out_.unparsable_dates.push_back(
          {static_cast<uint32_t>(out_.rows()), out_.unparsable_date_texts.Intern(text), role});
    return parsed;
  }

  void Reject(ParseIssue issue, std::string column, std::string value, std::string message) {
    const auto issue_idx = static_cast<size_t>(issue);
    ++out_.issue_counts[issue_idx];
    auto& examples = out_.issue_examples[issue_idx];
    if (examples.size() < options_.max_examples)
      examples.push_back({line_, std::move(column), std::move(value), std::move(message)});
  }

  // Parses a count column; a missing column counts as 1 (one event, one unit).
  bool ReadCount(const std::vector<std::string_view>& fields, int32_t& count) {
    if (!mapping_.Has(Role::kCount)) {
      count = 1;
      return true;
    }
    const std::string_view text = Field(fields, Role::kCount);
    const std::optional<int32_t> value = ParseInt32(text);
    if (!value) {
      Reject(ParseIssue::kBadNumber, mapping_.NameOf(Role::kCount), Abbreviate(text),
             "expected a whole number");
      return false;
    }
    count = *value;
    return true;
  }

  void AddUsageRow(const std::vector<std::string_view>& fields) {
    int32_t events = 0;
    if (!ReadCount(fields, events)) return;
    const std::string_view user_text = Field(fields, Role::kUser);
    const uint32_t user = user_text.empty() ? kNullCode : users_.Intern(user_text);
    Day signup = kNoDay;
    if (mapping_.Has(Role::kSignup)) {
      const std::string_view signup_text = Field(fields, Role::kSignup);
      if (!signup_text.empty()) {
        const Timestamp parsed = ParseDate(signup_parser_, signup_text, Role::kSignup);
        signup = parsed != kInvalidTime ? DayOf(parsed) : kInvalidDay;
      }
    }
    const Timestamp time = ParseDate(time_parser_, Field(fields, Role::kTime), Role::kTime);
    out_.lines.Add(static_cast<uint32_t>(out_.user.size()), line_);
    out_.user.push_back(user);
    out_.signup.push_back(signup);
    out_.day.push_back(time != kInvalidTime ? DayOf(time) : kInvalidDay);
    // Codes past 65,535 wrap here, but the reader then refuses the file as a whole.
    out_.feature.push_back(static_cast<uint16_t>(features_.Intern(Field(fields, Role::kItem))));
    out_.events.push_back(events);
  }

  void AddTransactionRow(const std::vector<std::string_view>& fields) {
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
    out_.lines.Add(static_cast<uint32_t>(out_.user.size()), line_);
    out_.invoice.push_back(invoices_.Intern(Field(fields, Role::kOrder)));
    out_.stock_code.push_back(stock_codes_.Intern(Field(fields, Role::kItem)));
    out_.description.push_back(descriptions_.Intern(Field(fields, Role::kDescription)));
    out_.quantity.push_back(quantity);
    out_.time.push_back(time);
    out_.price.push_back(price);
    out_.user.push_back(customer_text.empty() ? kNullCode : users_.Intern(customer_text));
    out_.country.push_back(countries_.Intern(Field(fields, Role::kCountry)));
  }

  const ChunkParseOptions& options_;
  const ColumnMapping& mapping_;
  StagedChunk& out_;
  CachedInterner users_, features_, invoices_, stock_codes_, descriptions_, countries_;
  CachedDateParser time_parser_, signup_parser_;
  bool allow_decimal_comma_;
  uint64_t line_ = 0;
};

}  // namespace

size_t ParseChunk(std::string_view text, size_t begin, size_t nominal_end,
                  const ChunkParseOptions& options, StagedChunk& out, size_t reserve_until,
                  uint64_t line_offset) {
  ChunkParser parser(options, out);
  return parser.Run(text, begin, nominal_end, reserve_until, line_offset);
}

}  // namespace growthlens
