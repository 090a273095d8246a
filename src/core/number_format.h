#pragma once
// Numbers for people: thousands separators and fixed decimals, the same in terminal tables,
// insight sentences and the report.

#include <string>

namespace growthlens {

/// "8,911,407.90": fixed decimals with thousands separators; "-" when not finite.
std::string GroupedNumber(double value, int decimals);

/// "12.3%" for 0.123.
std::string PercentText(double share, int decimals = 1);

}  // namespace growthlens
