#pragma once
// What one parameter of an analysis is: its name (the API's query parameter, and the CLI's
// "--name" unless it spells it otherwise), its type, default, bounds or allowed values, help
// text, and whether the API may set it. Both front ends are generated from these specs (the CLI's
// options in cli/analysis_command.cc, the API's query parser in server/analysis_route.cc), and
// docs/API.md and GET /api/v1/meta describe them.
//
//   ParamSpec view = EnumParam("view", "card", {"card", "trend"}, "card (default): ...");
//   ParamSpec n_init = IntParam("n-init", 10, 1, 100, "KMeans initialisations");

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace growthlens::app {

enum class ParamType { kInt, kDouble, kString, kEnum, kDate, kBool, kList };

/// "int", "double", "string", "enum", "date", "bool", "list".
std::string_view ParamTypeName(ParamType type);

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::kString;
  /// The value when none is given, as text; empty = no value (an open date, no filter).
  std::string default_value;
  std::optional<double> min;  // kInt, kDouble: inclusive bounds
  std::optional<double> max;
  std::vector<std::string> allowed;  // kEnum: the values; kList: each item's, when not empty
  std::string help;
  bool http = true;  // false: the CLI only (loading, output)
  /// CLI11 names when they are not "--<name>" (aliases, a short flag): "-k,--k".
  std::string cli_names;
  /// What --help shows for the value: "YYYY-MM-DD".
  std::string value_text;
  /// --help's text when it differs from `help` (which the API shows, so names no flag): the
  /// CLI's own wording, naming its flags ("needs --campaign").
  std::string cli_help;
  /// Longest text accepted (kString, kList), so that no request carries a megabyte of filter.
  size_t max_length = 200;
};

ParamSpec EnumParam(std::string name, std::string default_value, std::vector<std::string> allowed,
                    std::string help);
/// A day YYYY-MM-DD, none by default.
ParamSpec DateParam(std::string name, std::string help);
ParamSpec IntParam(std::string name, int64_t default_value, int64_t min, int64_t max,
                   std::string help);
ParamSpec DoubleParam(std::string name, double default_value, double min, double max,
                      std::string help);
/// A number without a default (absent: not given), within [min, max] where they are set.
ParamSpec NumberParam(std::string name, std::optional<double> min, std::optional<double> max,
                      std::string help);
ParamSpec BoolParam(std::string name, std::string help);
/// `spec` with what --help shows for its value ("FLOAT", "UINT:0..", "rfm|rfm+usage").
ParamSpec WithValueText(ParamSpec spec, std::string value_text);
/// `spec` with --help's own text (naming flags where `spec.help` names parameters).
ParamSpec WithCliHelp(ParamSpec spec, std::string cli_help);
ParamSpec StringParam(std::string name, std::string help);
/// Comma-separated values, each one of `allowed` unless it is empty.
ParamSpec ListParam(std::string name, std::vector<std::string> allowed, std::string help);

/// Who is told about a bad value: the CLI speaks of its flags ("--from '2024-99-01': ..."), the
/// API of its parameters ("parameter 'from': '2024-99-01': ...").
enum class Naming { kCli, kApi };

/// "--from" or "parameter 'from'".
std::string ShownName(std::string_view name, Naming naming);
inline std::string ShownName(const ParamSpec& spec, Naming naming) {
  return ShownName(spec.name, naming);
}

/// An invalid-argument Status about `text` given for `spec`: "--view 'graph': expected one of
/// card, trend" or "parameter 'view': 'graph': expected one of card, trend".
Status BadValue(std::string_view name, Naming naming, std::string_view text, std::string_view what);
inline Status BadValue(const ParamSpec& spec, Naming naming, std::string_view text,
                       std::string_view what) {
  return BadValue(spec.name, naming, text, what);
}

/// A value as a message quotes it: "--alpha 2" (the CLI), "parameter 'alpha' = 2" (the API).
std::string GivenText(std::string_view name, Naming naming, std::string_view value);

/// An invalid-argument Status "<GivenText>: <what>", for checks that bounds cannot express.
Status BadGiven(std::string_view name, Naming naming, std::string_view value,
                std::string_view what);

/// What a value must be, for errors and docs: "a whole number in 1..100", "one of card, trend",
/// "a date YYYY-MM-DD".
std::string ExpectedText(const ParamSpec& spec);

/// Values by parameter name, as given (CLI options, query parameters) or filled with defaults.
using ParamText = std::vector<std::pair<std::string, std::string>>;

/// The value `params` gives `name`, or `fallback` when it gives none or an empty one.
std::string_view ParamValue(const ParamText& params, std::string_view name,
                            std::string_view fallback = {});

/// Parses `text` as the value of `spec` (type, bounds, allowed values); the typed result goes
/// through the ParseTyped overloads (analysis_params.h).
Status CheckValue(const ParamSpec& spec, std::string_view text, Naming naming);

/// `given` checked against `specs`: every name known (and settable over HTTP when `naming` is
/// kApi, else "parameter 'x': not accepted by /api/v1/<route>; expected one of ..."), every
/// value valid, then every parameter with a default filled in, in the specs' order. The result
/// is canonical: two requests meaning the same analysis get the same text (the cache key).
Result<ParamText> Canonical(const std::vector<ParamSpec>& specs, const ParamText& given,
                            Naming naming, std::string_view route);

}  // namespace growthlens::app
