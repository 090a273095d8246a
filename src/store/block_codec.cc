#include "store/block_codec.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <numeric>

#include <fmt/format.h>
#include <zstd.h>

namespace growthlens::store {

namespace {

constexpr char kMagic[4] = {'G', 'L', 'B', '1'};
// A block holds at most a few million rows of a few columns: anything claiming more is damage.
constexpr uint64_t kMaxRawBytes = uint64_t{1} << 31;
constexpr uint64_t kPlausibleRawBytes = uint64_t{64} << 20;  // plus 64x the compressed size
constexpr uint64_t kMaxRowsOfRuns = uint64_t{1} << 20;       // blocks hold 131,072 rows

void PutFixed(std::string& out, uint64_t value, int bytes) {
  for (int byte = 0; byte < bytes; ++byte) out.push_back(static_cast<char>(value >> (8 * byte)));
}
bool GetFixed(std::string_view in, size_t& pos, int bytes, uint64_t& value) {
  if (in.size() - pos < static_cast<size_t>(bytes) || pos > in.size()) return false;
  value = 0;
  for (int byte = 0; byte < bytes; ++byte)
    value |= static_cast<uint64_t>(static_cast<uint8_t>(in[pos + byte])) << (8 * byte);
  pos += static_cast<size_t>(bytes);
  return true;
}

}  // namespace

BlockWriter::BlockWriter(uint32_t rows) {
  raw_.append(kMagic, sizeof kMagic);
  PutFixed(raw_, rows, 4);
  PutFixed(raw_, 0, 4);  // column count, set by Compress
}

size_t BlockWriter::BeginColumn(std::string_view name, ColumnCoding coding) {
  ++columns_;
  raw_.push_back(static_cast<char>(name.size()));
  raw_.append(name);
  raw_.push_back(static_cast<char>(coding));
  const size_t start = raw_.size();
  PutFixed(raw_, 0, 8);  // byte length, set by EndColumn
  return start;
}

void BlockWriter::EndColumn(size_t start) {
  uint64_t length = raw_.size() - start - 8;
  for (int byte = 0; byte < 8; ++byte, length >>= 8)
    raw_[start + static_cast<size_t>(byte)] = static_cast<char>(length & 0xFF);
}

void BlockWriter::DeltaPlanes(std::string_view name, std::span<const int64_t> values) {
  std::vector<int64_t> deltas(values.size());
  uint64_t factor = 0;  // gcd of the differences' magnitudes; 0 while all are 0
  int64_t previous = 0;
  for (size_t row = 0; row < values.size(); ++row) {
    deltas[row] = codec::Difference(values[row], previous);
    previous = values[row];
    const auto magnitude = static_cast<uint64_t>(deltas[row]);
    factor = std::gcd(factor, deltas[row] < 0 ? 0 - magnitude : magnitude);
  }
  if (factor == 0 || factor > uint64_t{INT64_MAX}) factor = 1;  // INT64_MIN alone: keep it whole
  const size_t start = BeginColumn(name, ColumnCoding::kDeltaPlanes);
  codec::PutVarint(raw_, factor);
  // Plane k holds byte k of every varint that has one, in row order: the continuation bit of
  // a row's byte in plane k says whether it has a byte in plane k + 1.
  std::vector<uint64_t> coded(values.size());
  for (size_t row = 0; row < values.size(); ++row)
    coded[row] = codec::Zigzag(deltas[row] / static_cast<int64_t>(factor));
  for (unsigned shift = 0; shift < 64; shift += 7) {
    bool more = false;
    for (const uint64_t value : coded) {
      if (shift > 0 && (value >> shift) == 0) continue;
      const bool continues = (value >> shift) >= 0x80 && shift + 7 < 64;
      raw_.push_back(static_cast<char>(((value >> shift) & 0x7F) | (continues ? 0x80 : 0)));
      more = more || continues;
    }
    if (!more) break;
  }
  EndColumn(start);
}

void BlockWriter::Doubles(std::string_view name, std::span<const double> values) {
  const size_t start = BeginColumn(name, ColumnCoding::kFloat64);
  const size_t at = raw_.size();
  raw_.resize(at + values.size_bytes());
  if (!values.empty())  // an empty span's data() may be null, which memcpy may not get
    std::memcpy(raw_.data() + at, values.data(), values.size_bytes());
  EndColumn(start);
}

void BlockWriter::Strings(std::string_view name, const StringDictionary& dictionary, uint32_t first,
                          uint32_t count) {
  const size_t start = BeginColumn(name, ColumnCoding::kStrings);
  for (uint32_t code = first; code < first + count; ++code)
    codec::PutVarint(raw_, dictionary[code].size());
  for (uint32_t code = first; code < first + count; ++code) raw_.append(dictionary[code]);
  EndColumn(start);
}

void BlockWriter::Strings(std::string_view name, std::span<const std::string_view> values) {
  const size_t start = BeginColumn(name, ColumnCoding::kStrings);
  for (const std::string_view value : values) codec::PutVarint(raw_, value.size());
  for (const std::string_view value : values) raw_.append(value);
  EndColumn(start);
}

Result<std::string> BlockWriter::Compress(int level) const {
  std::string raw = raw_;
  for (int byte = 0; byte < 4; ++byte)
    raw[8 + static_cast<size_t>(byte)] = static_cast<char>((columns_ >> (8 * byte)) & 0xFF);
  std::string out(ZSTD_compressBound(raw.size()), '\0');
  const size_t size = ZSTD_compress(out.data(), out.size(), raw.data(), raw.size(), level);
  if (ZSTD_isError(size))
    return Status(ErrorCode::kInternal,
                  fmt::format("zstd could not compress a block: {}", ZSTD_getErrorName(size)));
  out.resize(size);
  return out;
}

Result<BlockReader> BlockReader::Open(std::string_view payload, std::string what) {
  BlockReader reader;
  reader.what_ = std::move(what);
  const auto damaged = [&reader](std::string_view problem) {
    return Status(ErrorCode::kDataError, fmt::format("{} is damaged: {}", reader.what_, problem));
  };
  const unsigned long long raw_size = ZSTD_getFrameContentSize(payload.data(), payload.size());
  if (raw_size == ZSTD_CONTENTSIZE_ERROR || raw_size == ZSTD_CONTENTSIZE_UNKNOWN)
    return damaged("not a zstd frame of known size");
  // A block's columns compress well, but not without bound: a frame claiming far more than its
  // bytes could hold is damaged, and is refused before its memory is taken (a fuzzer found 2 GiB
  // claimed by a few hundred bytes).
  const unsigned long long plausible = kPlausibleRawBytes + 64ULL * payload.size();
  if (raw_size > kMaxRawBytes || raw_size > plausible)
    return damaged(
        fmt::format("claims {} bytes of content from {} compressed", raw_size, payload.size()));
  std::string raw(raw_size, '\0');
  const size_t got = ZSTD_decompress(raw.data(), raw.size(), payload.data(), payload.size());
  if (ZSTD_isError(got) || got != raw.size())
    return damaged(ZSTD_isError(got) ? ZSTD_getErrorName(got) : "short content");
  return Parse(std::move(raw), std::move(reader.what_));
}

Result<BlockReader> BlockReader::Parse(std::string raw_bytes, std::string what) {
  BlockReader reader;
  reader.what_ = std::move(what);
  const auto damaged = [&reader](std::string_view problem) {
    return Status(ErrorCode::kDataError, fmt::format("{} is damaged: {}", reader.what_, problem));
  };
  reader.raw_ = std::make_unique<std::string>(std::move(raw_bytes));
  const std::string& raw = *reader.raw_;
  if (raw.size() < 12 || std::memcmp(raw.data(), kMagic, sizeof kMagic) != 0)
    return damaged("no block header");
  size_t pos = 4;
  uint64_t rows = 0, columns = 0;
  GetFixed(raw, pos, 4, rows);
  GetFixed(raw, pos, 4, columns);
  // A row takes at least a byte in each column but runs (a few bytes for a long run): a block
  // has at most a million rows or one a byte, which bounds what a reader allocates for it.
  if (rows > std::max<uint64_t>(raw.size(), kMaxRowsOfRuns)) return damaged("more rows than bytes");
  reader.rows_ = static_cast<uint32_t>(rows);
  const std::string_view view(raw);
  for (uint64_t column = 0; column < columns; ++column) {
    if (pos >= view.size()) return damaged("the column list ends early");
    const auto name_size = static_cast<uint8_t>(view[pos++]);
    if (view.size() - pos < name_size + 1u) return damaged("a column name runs past the end");
    Entry entry;
    entry.name = view.substr(pos, name_size);
    pos += name_size;
    const auto coding = static_cast<uint8_t>(view[pos++]);
    if (coding > static_cast<uint8_t>(ColumnCoding::kRuns))
      return damaged(fmt::format("column '{}' has unknown coding {}", entry.name, coding));
    entry.coding = static_cast<ColumnCoding>(coding);
    uint64_t length = 0;
    if (!GetFixed(view, pos, 8, length) || view.size() - pos < length)
      return damaged(fmt::format("column '{}' runs past the end", entry.name));
    entry.bytes = view.substr(pos, length);
    pos += length;
    reader.entries_.push_back(entry);
  }
  if (pos != view.size()) return damaged("bytes after the last column");
  return reader;
}

std::vector<std::string_view> BlockReader::Names() const {
  std::vector<std::string_view> names;
  for (const Entry& entry : entries_) names.push_back(entry.name);
  return names;
}

const BlockReader::Entry* BlockReader::Find(std::string_view name) const {
  for (const Entry& entry : entries_)
    if (entry.name == name) return &entry;
  return nullptr;
}

Status BlockReader::Missing(std::string_view name) const {
  return Status(ErrorCode::kDataError, fmt::format("{} has no column '{}'", what_, name));
}

Status BlockReader::Malformed(std::string_view name, std::string_view problem) const {
  return Status(ErrorCode::kDataError,
                fmt::format("{} is damaged: column '{}': {}", what_, name, problem));
}

Status BlockReader::DecodeDeltaPlanes(const Entry& entry, std::vector<int64_t>& values) const {
  const std::string_view bytes = entry.bytes;
  size_t pos = 0;
  uint64_t factor = 0;
  if (!codec::GetVarint(bytes, pos, factor) || factor == 0 || factor > uint64_t{INT64_MAX})
    return Malformed(entry.name, "no valid common factor");
  // Plane k holds a byte for every continuation bit of plane k - 1 (plane 0: one per row), so
  // the planes' bounds come from counting; then one pass reads each row's bytes from them.
  std::array<size_t, 10> cursor{};
  size_t planes = 0;
  for (size_t length = rows_; length > 0;) {
    if (planes == cursor.size()) return Malformed(entry.name, "a value longer than 64 bits");
    if (bytes.size() - pos < length) return Malformed(entry.name, "values end early");
    cursor[planes++] = pos;
    size_t continuing = 0;
    for (size_t at = pos; at < pos + length; ++at)
      continuing += static_cast<uint8_t>(bytes[at]) >> 7;
    pos += length;
    length = continuing;
  }
  if (pos != bytes.size()) return Malformed(entry.name, "bytes left over");
  values.resize(rows_);
  int64_t previous = 0;
  for (uint32_t row = 0; row < rows_; ++row) {
    uint64_t coded = 0;
    for (size_t plane = 0;; ++plane) {  // the counts above keep every cursor inside its plane
      const auto byte = static_cast<uint8_t>(bytes[cursor[plane]++]);
      coded |= static_cast<uint64_t>(byte & 0x7F) << (7 * plane);
      if (!(byte & 0x80)) break;
    }
    // Wrapping multiplication: a damaged factor gives wrong values, never undefined behaviour.
    const auto delta = static_cast<int64_t>(static_cast<uint64_t>(codec::Unzigzag(coded)) * factor);
    previous = codec::Sum(previous, delta);
    values[row] = previous;
  }
  return Status::Ok();
}

Status BlockReader::DecodeRuns(const Entry& entry, std::vector<int64_t>& values) const {
  const std::string_view bytes = entry.bytes;
  size_t pos = 0;
  uint64_t runs = 0;
  // Every run takes at least two bytes and a row: more is damage, and bounds the allocation.
  if (!codec::GetVarint(bytes, pos, runs) || runs > rows_ || runs * 2 > bytes.size())
    return Malformed(entry.name, "a run count that does not fit the block");
  std::vector<int64_t> run_values(runs);
  int64_t previous = 0;
  for (int64_t& value : run_values) {
    uint64_t coded = 0;
    if (!codec::GetVarint(bytes, pos, coded)) return Malformed(entry.name, "values end early");
    value = previous = codec::Sum(previous, codec::Unzigzag(coded));
  }
  values.resize(rows_);
  size_t filled = 0;
  for (const int64_t value : run_values) {
    uint64_t extra = 0;
    if (!codec::GetVarint(bytes, pos, extra)) return Malformed(entry.name, "run lengths end early");
    if (extra >= rows_ - filled) return Malformed(entry.name, "runs longer than the block");
    std::fill_n(values.begin() + static_cast<ptrdiff_t>(filled), extra + 1, value);
    filled += extra + 1;
  }
  if (filled != rows_) return Malformed(entry.name, "runs shorter than the block");
  if (pos != bytes.size()) return Malformed(entry.name, "bytes left over");
  return Status::Ok();
}

Status BlockReader::Doubles(std::string_view name, double* out) const {
  const Entry* entry = Find(name);
  if (entry == nullptr) return Missing(name);
  if (entry->coding != ColumnCoding::kFloat64) return Malformed(name, "not a number column");
  if (entry->bytes.size() != size_t{rows_} * sizeof(double))
    return Malformed(name, "wrong byte length");
  if (!entry->bytes.empty())  // an empty block's `out` may be null, which memcpy may not get
    std::memcpy(out, entry->bytes.data(), entry->bytes.size());
  return Status::Ok();
}

Status BlockReader::Strings(std::string_view name, std::vector<std::string_view>& out) const {
  const Entry* entry = Find(name);
  if (entry == nullptr) return Missing(name);
  if (entry->coding != ColumnCoding::kStrings) return Malformed(name, "not a text column");
  const std::string_view bytes = entry->bytes;
  size_t pos = 0;
  std::vector<uint64_t> lengths(rows_);
  uint64_t total = 0;
  for (uint64_t& length : lengths) {
    if (!codec::GetVarint(bytes, pos, length)) return Malformed(name, "lengths end early");
    total += length;
  }
  if (bytes.size() - pos != total) return Malformed(name, "lengths and bytes disagree");
  for (const uint64_t length : lengths) {
    out.push_back(bytes.substr(pos, length));
    pos += length;
  }
  return Status::Ok();
}

}  // namespace growthlens::store
