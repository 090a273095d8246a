#pragma once
// Text encodings of CSV inputs. Everything inside GrowthLens is UTF-8; Latin-1 and
// Windows-1252 inputs (the Kaggle export of Online Retail, for one) and UTF-16 ones (Excel's
// "Unicode text") are transcoded on load.

#include <optional>
#include <string>
#include <string_view>

namespace growthlens {

enum class Encoding { kAuto, kUtf8, kLatin1, kWindows1252, kUtf16Le, kUtf16Be };

const char* EncodingName(Encoding encoding);
/// Accepts "auto", "utf-8"/"utf8", "latin-1"/"latin1"/"iso-8859-1", "windows-1252"/"cp1252",
/// "utf-16le", "utf-16be" and "utf-16" (little-endian unless a byte-order mark says otherwise).
std::optional<Encoding> ParseEncodingName(std::string_view name);

/// True when `bytes` is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
bool IsValidUtf8(std::string_view bytes);

/// Offset of the first byte of an invalid UTF-8 sequence, or npos when valid.
size_t FirstInvalidUtf8(std::string_view bytes);

/// The byte order a UTF-16 text starts with: its byte-order mark (FF FE little-endian, FE FF
/// big-endian), else the zero bytes of two ASCII characters ("a\0b\0"). nullopt otherwise.
struct Utf16Start {
  bool big_endian = false;
  bool bom = false;
};
std::optional<Utf16Start> DetectUtf16(std::string_view bytes);

/// Appends UTF-16 text (without its byte-order mark) to `out` as UTF-8. Returns the offset of
/// the first unit that is not UTF-16 (a lone surrogate, or an odd byte at the end), or npos.
size_t TranscodeUtf16ToUtf8(std::string_view bytes, bool big_endian, std::string& out);

/// Transcodes single-byte text to UTF-8. Windows-1252 maps 0x80-0x9F to its printable
/// characters (the euro sign, curly quotes, ...); Latin-1 maps them to C1 controls.
std::string TranscodeToUtf8(std::string_view bytes, Encoding single_byte_encoding);

}  // namespace growthlens
