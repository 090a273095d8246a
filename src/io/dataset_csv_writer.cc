#include "io/dataset_csv_writer.h"

#include <charconv>

#include <fmt/format.h>

#include "core/derived_fields.h"
#include "io/atomic_file.h"

namespace growthlens {

namespace {

constexpr size_t kFlushBytes = 1 << 20;

void AppendNumber(double value, std::string& out) {
  char buffer[32];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, end);
}

void AppendInteger(int64_t value, std::string& out) {
  char buffer[24];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  out.append(buffer, end);
}

/// Batches rows into large writes to an AtomicFile.
class BufferedFile {
 public:
  explicit BufferedFile(AtomicFile& file) : file_(file) { buffer_.reserve(kFlushBytes * 2); }
  std::string& buffer() { return buffer_; }
  bool MaybeFlush() { return buffer_.size() < kFlushBytes || Flush(); }
  bool Flush() {
    const bool ok = file_.Write(buffer_);
    buffer_.clear();
    return ok;
  }

 private:
  AtomicFile& file_;
  std::string buffer_;
};

// Events as the events reader reads them back: user_id,timestamp,event[,count], then one
// column per property (empty: not set).
bool WriteEventRows(const UsageLog& dataset, BufferedFile& file) {
  std::string& out = file.buffer();
  const UsageColumns& usage = dataset.usage;
  const bool counts = !usage.events.empty();
  out += counts ? "user_id,timestamp,event,count" : "user_id,timestamp,event";
  for (const PropertyColumn& property : dataset.properties.columns) {
    out.push_back(',');
    AppendCsvField(property.name(), out);
  }
  out.push_back('\n');
  for (size_t row = 0; row < dataset.rows(); ++row) {
    const uint32_t user = usage.user[row];
    if (user != kNullCode) AppendCsvField(dataset.users[user], out);
    out.push_back(',');
    AppendEventTime(usage.day[row], usage.ms_of_day.empty() ? 0 : usage.ms_of_day[row], out);
    out.push_back(',');
    AppendCsvField(dataset.features[usage.feature[row]], out);
    if (counts) {
      out.push_back(',');
      AppendInteger(usage.events[row], out);
    }
    for (const PropertyColumn& property : dataset.properties.columns) {
      out.push_back(',');
      AppendCsvField(property.ValueOf(row), out);
    }
    out.push_back('\n');
    if (!file.MaybeFlush()) return false;
  }
  return true;
}

bool WriteRows(const UsageLog& dataset, BufferedFile& file) {
  if (dataset.grain == UsageGrain::kEvent) return WriteEventRows(dataset, file);
  std::string& out = file.buffer();
  const RowCounts counts(dataset.usage);
  out += "user_id,signup_date,event_date,feature_name,events_count\n";
  const UsageColumns& usage = dataset.usage;
  char date[10];
  for (size_t row = 0; row < dataset.rows(); ++row) {
    const uint32_t user = usage.user[row];
    if (user != kNullCode) AppendCsvField(dataset.users[user], out);
    out.push_back(',');
    const Day signup = user != kNullCode ? dataset.user_signup[user] : kNoDay;
    if (signup != kNoDay) out.append(date, WriteDate(signup, date));
    out.push_back(',');
    out.append(date, WriteDate(usage.day[row], date));
    out.push_back(',');
    AppendCsvField(dataset.features[usage.feature[row]], out);
    out.push_back(',');
    AppendInteger(counts[row], out);
    out.push_back('\n');
    if (!file.MaybeFlush()) return false;
  }
  return true;
}

bool WriteRows(const TransactionLog& dataset, BufferedFile& file) {
  std::string& out = file.buffer();
  out +=
      "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country,"
      "TotalAmount,InvoiceYearMonth,CohortMonth\n";
  const std::vector<int32_t> cohort = UserCohortMonths(dataset);
  const TransactionColumns& lines = dataset.transactions;
  for (size_t row = 0; row < dataset.rows(); ++row) {
    const uint32_t order = lines.order[row];
    const uint32_t item = lines.item[row];
    const uint32_t customer = dataset.orders.customer[order];
    const Timestamp time = dataset.orders.time[order];
    AppendCsvField(dataset.invoices[dataset.orders.invoice[order]], out);
    out.push_back(',');
    AppendCsvField(dataset.stock_codes[dataset.items.stock_code[item]], out);
    out.push_back(',');
    AppendCsvField(dataset.descriptions[dataset.items.description[item]], out);
    out.push_back(',');
    AppendInteger(lines.quantity[row], out);
    out.push_back(',');
    out += FormatTimestamp(time);
    out.push_back(',');
    AppendNumber(dataset.prices[lines.price[row]], out);
    out.push_back(',');
    if (customer != kNullCode) AppendCsvField(dataset.users[customer], out);
    out.push_back(',');
    AppendCsvField(dataset.countries[dataset.orders.country[order]], out);
    out.push_back(',');
    AppendNumber(dataset.AmountOfRow(row), out);
    out.push_back(',');
    out += FormatMonth(MonthIndexOf(DayOf(time)));
    out.push_back(',');
    if (customer != kNullCode && cohort[customer] != kNoMonth) out += FormatMonth(cohort[customer]);
    out.push_back('\n');
    if (!file.MaybeFlush()) return false;
  }
  return true;
}

}  // namespace

void AppendEventTime(Day day, int32_t ms_of_day, std::string& out) {
  char date[10];
  out.append(date, WriteDate(day, date));
  const int32_t seconds = ms_of_day / 1000;
  out += fmt::format("T{:02}:{:02}:{:02}.{:03}Z", seconds / 3600, seconds / 60 % 60, seconds % 60,
                     ms_of_day % 1000);
}

Status WriteDatasetCsv(const Dataset& dataset, const std::string& path) {
  Result<AtomicFile> file = AtomicFile::Create(path);
  if (!file.ok()) return file.status();
  BufferedFile buffered(*file);
  const bool written =
      dataset.Visit([&buffered](const auto& log) { return WriteRows(log, buffered); });
  if (!written || !buffered.Flush())
    return Status(ErrorCode::kIoError, fmt::format("{}: write failed (disk full?)", path));
  return file->Commit();
}

}  // namespace growthlens
