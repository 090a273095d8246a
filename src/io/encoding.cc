#include "io/encoding.h"

#include <cstdint>
#include <cstring>

namespace growthlens {

namespace {

// Windows-1252 code points for bytes 0x80-0x9F; the five unassigned bytes keep their Latin-1
// (C1 control) value, as Python's and WHATWG's decoders do.
constexpr char16_t kWindows1252High[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178};

void AppendUtf8(char32_t code_point, std::string& out) {
  if (code_point < 0x80) {
    out.push_back(static_cast<char>(code_point));
  } else if (code_point < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else if (code_point < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
  }
}

bool IsContinuation(unsigned char byte) {
  return (byte & 0xC0) == 0x80;
}

}  // namespace

const char* EncodingName(Encoding encoding) {
  switch (encoding) {
    case Encoding::kAuto:
      return "auto";
    case Encoding::kUtf8:
      return "utf-8";
    case Encoding::kLatin1:
      return "latin-1";
    case Encoding::kWindows1252:
      return "windows-1252";
    case Encoding::kUtf16Le:
      return "utf-16le";
    case Encoding::kUtf16Be:
      return "utf-16be";
  }
  return "auto";
}

std::optional<Encoding> ParseEncodingName(std::string_view name) {
  std::string lower;
  for (char c : name) lower.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
  if (lower == "auto") return Encoding::kAuto;
  if (lower == "utf-8" || lower == "utf8") return Encoding::kUtf8;
  if (lower == "latin-1" || lower == "latin1" || lower == "iso-8859-1" || lower == "iso8859-1")
    return Encoding::kLatin1;
  if (lower == "windows-1252" || lower == "cp1252") return Encoding::kWindows1252;
  if (lower == "utf-16le" || lower == "utf16le" || lower == "utf-16" || lower == "utf16")
    return Encoding::kUtf16Le;
  if (lower == "utf-16be" || lower == "utf16be") return Encoding::kUtf16Be;
  return std::nullopt;
}

size_t FirstInvalidUtf8(std::string_view bytes) {
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const size_t size = bytes.size();
  size_t pos = 0;
  while (pos < size) {
    // Skip ASCII 32 bytes at a time, then 8: most CSV text is ASCII.
    if (pos + 32 <= size) {
      uint64_t words[4];
      std::memcpy(words, data + pos, sizeof(words));
      if (((words[0] | words[1] | words[2] | words[3]) & 0x8080808080808080ULL) == 0) {
        pos += 32;
        continue;
      }
    }
    if (pos + 8 <= size) {
      uint64_t word;
      std::memcpy(&word, data + pos, 8);
      if ((word & 0x8080808080808080ULL) == 0) {
        pos += 8;
        continue;
      }
    }
    const unsigned char lead = data[pos];
    if (lead < 0x80) {
      ++pos;
      continue;
    }
    size_t length = 0;
    char32_t code_point = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
      code_point = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      code_point = lead & 0x0F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      code_point = lead & 0x07;
    } else {
      return pos;
    }
    if (pos + length > size) return pos;
    for (size_t byte_idx = 1; byte_idx < length; ++byte_idx) {
      if (!IsContinuation(data[pos + byte_idx])) return pos;
      code_point = (code_point << 6) | (data[pos + byte_idx] & 0x3F);
    }
    const bool overlong =
        (length == 3 && code_point < 0x800) || (length == 4 && code_point < 0x10000);
    const bool surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
    if (overlong || surrogate || code_point > 0x10FFFF) return pos;
    pos += length;
  }
  return std::string_view::npos;
}

bool IsValidUtf8(std::string_view bytes) {
  return FirstInvalidUtf8(bytes) == std::string_view::npos;
}

std::optional<Utf16Start> DetectUtf16(std::string_view bytes) {
  const auto byte = [&](size_t pos) {
    return pos < bytes.size() ? static_cast<unsigned char>(bytes[pos]) : 0x100u;
  };
  if (byte(0) == 0xFF && byte(1) == 0xFE) return Utf16Start{false, true};
  if (byte(0) == 0xFE && byte(1) == 0xFF) return Utf16Start{true, true};
  const auto ascii = [](unsigned value) { return value > 0 && value < 0x80; };
  if (ascii(byte(0)) && byte(1) == 0 && ascii(byte(2)) && byte(3) == 0)
    return Utf16Start{false, false};
  if (byte(0) == 0 && ascii(byte(1)) && byte(2) == 0 && ascii(byte(3)))
    return Utf16Start{true, false};
  return std::nullopt;
}

size_t TranscodeUtf16ToUtf8(std::string_view bytes, bool big_endian, std::string& out) {
  out.reserve(out.size() + bytes.size() / 2 + bytes.size() / 8);
  const auto unit = [&](size_t pos) -> char32_t {
    const auto first = static_cast<unsigned char>(bytes[pos]);
    const auto second = static_cast<unsigned char>(bytes[pos + 1]);
    return big_endian ? char32_t{first} << 8 | second : char32_t{second} << 8 | first;
  };
  size_t pos = 0;
  for (; pos + 1 < bytes.size(); pos += 2) {
    const char32_t value = unit(pos);
    if (value < 0xD800 || value > 0xDFFF) {
      AppendUtf8(value, out);
      continue;
    }
    if (value > 0xDBFF || pos + 3 >= bytes.size()) return pos;  // a lone surrogate
    const char32_t low = unit(pos + 2);
    if (low < 0xDC00 || low > 0xDFFF) return pos;
    AppendUtf8(0x10000 + ((value - 0xD800) << 10) + (low - 0xDC00), out);
    pos += 2;
  }
  return pos < bytes.size() ? pos : std::string_view::npos;
}

std::string TranscodeToUtf8(std::string_view bytes, Encoding single_byte_encoding) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 16);
  for (const char c : bytes) {
    const auto byte = static_cast<unsigned char>(c);
    if (byte < 0x80) {
      out.push_back(c);
    } else if (byte < 0xA0 && single_byte_encoding == Encoding::kWindows1252) {
      AppendUtf8(kWindows1252High[byte - 0x80], out);
    } else {
      AppendUtf8(byte, out);
    }
  }
  return out;
}

}  // namespace growthlens
