#pragma once
// Text encodings of CSV inputs. Everything inside GrowthLens is UTF-8; Latin-1 and
// Windows-1252 inputs (the Kaggle export of Online Retail, for one) are transcoded on load.

#include <optional>
#include <string>
#include <string_view>

namespace growthlens {

enum class Encoding { kAuto, kUtf8, kLatin1, kWindows1252 };

const char* EncodingName(Encoding encoding);
/// Accepts "auto", "utf-8"/"utf8", "latin-1"/"latin1"/"iso-8859-1", "windows-1252"/"cp1252".
std::optional<Encoding> ParseEncodingName(std::string_view name);

/// True when `bytes` is well-formed UTF-8 (no overlongs, surrogates or values past U+10FFFF).
bool IsValidUtf8(std::string_view bytes);

/// Offset of the first byte of an invalid UTF-8 sequence, or npos when valid.
size_t FirstInvalidUtf8(std::string_view bytes);

/// Transcodes single-byte text to UTF-8. Windows-1252 maps 0x80-0x9F to its printable
/// characters (the euro sign, curly quotes, ...); Latin-1 maps them to C1 controls.
std::string TranscodeToUtf8(std::string_view bytes, Encoding single_byte_encoding);

}  // namespace growthlens
