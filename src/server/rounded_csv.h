#pragma once
// The dashboard's CSV downloads in one number format: a spreadsheet user wants 0.342738, not
// 0.3427383308708056. The tables `analyze` writes keep full precision (scripts and golden tests
// read them); the Downloads page rounds them as it serves them unless asked for full precision.

#include <string>
#include <string_view>

namespace growthlens::server {

/// `csv` with every unquoted number written with more than `decimals` digits after its point,
/// or with an exponent, rounded to `decimals` decimals with trailing zeros dropped
/// (0.3427383308708056 -> 0.342738, 1.5e-09 -> 0). Integers, text and quoted fields are kept
/// byte for byte.
std::string RoundCsvNumbers(std::string_view csv, int decimals = 6);

}  // namespace growthlens::server
