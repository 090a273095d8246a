#include "app/param_spec.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>

#include "core/date.h"
#include "core/number_format.h"

namespace growthlens::app {

namespace {

/// A bound as the docs and errors show it: 100, 0.5.
std::string BoundText(double bound) {
  if (bound == std::floor(bound) && std::fabs(bound) < 1e15)
    return fmt::format("{}", static_cast<int64_t>(bound));
  return fmt::format("{}", bound);
}

/// The bounds of a number: "in 1..100", "of at least 0", "of at most 5", or "".
std::string RangeText(const ParamSpec& spec) {
  if (spec.min && spec.max)
    return fmt::format(" in {}..{}", BoundText(*spec.min), BoundText(*spec.max));
  if (spec.min) return fmt::format(" of at least {}", BoundText(*spec.min));
  if (spec.max) return fmt::format(" of at most {}", BoundText(*spec.max));
  return "";
}

/// Over or under a bound: the limit named ("above the maximum 100").
Status CheckBounds(const ParamSpec& spec, Naming naming, std::string_view text, double value) {
  const bool above = spec.max && value > *spec.max;
  if (!above && !(spec.min && value < *spec.min)) return Status::Ok();
  return BadValue(
      spec, naming, text,
      fmt::format("{} {}; expected {}", above ? "above the maximum" : "below the minimum",
                  BoundText(above ? *spec.max : *spec.min), ExpectedText(spec)));
}

bool Allowed(const ParamSpec& spec, std::string_view value) {
  return std::find(spec.allowed.begin(), spec.allowed.end(), value) != spec.allowed.end();
}

}  // namespace

namespace {

ParamSpec Spec(std::string name, ParamType type, std::string help) {
  ParamSpec spec;
  spec.name = std::move(name);
  spec.type = type;
  spec.help = std::move(help);
  return spec;
}

}  // namespace

ParamSpec EnumParam(std::string name, std::string default_value, std::vector<std::string> allowed,
                    std::string help) {
  ParamSpec spec = Spec(std::move(name), ParamType::kEnum, std::move(help));
  spec.default_value = std::move(default_value);
  spec.allowed = std::move(allowed);
  return spec;
}

ParamSpec DateParam(std::string name, std::string help) {
  ParamSpec spec = Spec(std::move(name), ParamType::kDate, std::move(help));
  spec.value_text = "YYYY-MM-DD";
  return spec;
}

ParamSpec IntParam(std::string name, int64_t default_value, int64_t min, int64_t max,
                   std::string help) {
  ParamSpec spec = Spec(std::move(name), ParamType::kInt, std::move(help));
  spec.default_value = std::to_string(default_value);
  spec.min = static_cast<double>(min);
  spec.max = static_cast<double>(max);
  return spec;
}

ParamSpec DoubleParam(std::string name, double default_value, double min, double max,
                      std::string help) {
  ParamSpec spec = Spec(std::move(name), ParamType::kDouble, std::move(help));
  spec.default_value = fmt::format("{}", default_value);
  spec.min = min;
  spec.max = max;
  return spec;
}

ParamSpec NumberParam(std::string name, std::optional<double> min, std::optional<double> max,
                      std::string help) {
  ParamSpec spec = Spec(std::move(name), ParamType::kDouble, std::move(help));
  spec.min = min;
  spec.max = max;
  return spec;
}

ParamSpec WithValueText(ParamSpec spec, std::string value_text) {
  spec.value_text = std::move(value_text);
  return spec;
}

ParamSpec WithCliHelp(ParamSpec spec, std::string cli_help) {
  spec.cli_help = std::move(cli_help);
  return spec;
}

ParamSpec BoolParam(std::string name, std::string help) {
  ParamSpec spec = Spec(std::move(name), ParamType::kBool, std::move(help));
  spec.default_value = "false";
  return spec;
}

ParamSpec StringParam(std::string name, std::string help) {
  return Spec(std::move(name), ParamType::kString, std::move(help));
}

ParamSpec ListParam(std::string name, std::vector<std::string> allowed, std::string help) {
  ParamSpec spec = Spec(std::move(name), ParamType::kList, std::move(help));
  spec.allowed = std::move(allowed);
  return spec;
}

std::string_view ParamTypeName(ParamType type) {
  switch (type) {
    case ParamType::kInt:
      return "int";
    case ParamType::kDouble:
      return "double";
    case ParamType::kString:
      return "string";
    case ParamType::kEnum:
      return "enum";
    case ParamType::kDate:
      return "date";
    case ParamType::kBool:
      return "bool";
    case ParamType::kList:
      return "list";
  }
  return "string";
}

std::string ShownName(std::string_view name, Naming naming) {
  return naming == Naming::kCli ? fmt::format("--{}", name) : fmt::format("parameter '{}'", name);
}

Status BadValue(std::string_view name, Naming naming, std::string_view text,
                std::string_view what) {
  return Status(ErrorCode::kInvalidArgument,
                fmt::format("{}{} '{}': {}", ShownName(name, naming),
                            naming == Naming::kApi ? ":" : "", text, what));
}

std::string GivenText(std::string_view name, Naming naming, std::string_view value) {
  return naming == Naming::kCli ? fmt::format("--{} {}", name, value)
                                : fmt::format("parameter '{}' = {}", name, value);
}

Status BadGiven(std::string_view name, Naming naming, std::string_view value,
                std::string_view what) {
  return Status(ErrorCode::kInvalidArgument,
                fmt::format("{}: {}", GivenText(name, naming, value), what));
}

std::string ExpectedText(const ParamSpec& spec) {
  switch (spec.type) {
    case ParamType::kInt:
      return "a whole number" + RangeText(spec);
    case ParamType::kDouble:
      return "a number" + RangeText(spec);
    case ParamType::kEnum:
      return fmt::format("one of {}", fmt::join(spec.allowed, ", "));
    case ParamType::kDate:
      return "YYYY-MM-DD (a valid calendar date)";
    case ParamType::kBool:
      return "true or false";
    case ParamType::kList:
      if (!spec.allowed.empty())
        return fmt::format("a comma-separated list of {}", fmt::join(spec.allowed, ", "));
      return "a comma-separated list";
    case ParamType::kString:
      break;
  }
  return fmt::format("text of at most {} characters", spec.max_length);
}

Status CheckValue(const ParamSpec& spec, std::string_view text, Naming naming) {
  const auto expected = [&] { return fmt::format("expected {}", ExpectedText(spec)); };
  switch (spec.type) {
    case ParamType::kInt: {
      int64_t value = 0;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (error == std::errc::result_out_of_range && spec.min && *spec.min >= 0) {
        // Past int64: an unsigned parameter (a seed) may still hold it.
        uint64_t unsigned_value = 0;
        const auto [u_end, u_error] =
            std::from_chars(text.data(), text.data() + text.size(), unsigned_value);
        if (u_error == std::errc() && u_end == text.data() + text.size())
          return CheckBounds(spec, naming, text, static_cast<double>(unsigned_value));
      }
      if (text.empty() || error == std::errc::result_out_of_range)
        return BadValue(spec, naming, text, expected());
      if (error != std::errc() || end != text.data() + text.size())
        return BadValue(spec, naming, text, expected());
      return CheckBounds(spec, naming, text, static_cast<double>(value));
    }
    case ParamType::kDouble: {
      double value = 0;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (text.empty() || error != std::errc() || end != text.data() + text.size() ||
          !std::isfinite(value))
        return BadValue(spec, naming, text, expected());
      return CheckBounds(spec, naming, text, value);
    }
    case ParamType::kEnum:
      if (!Allowed(spec, text)) return BadValue(spec, naming, text, expected());
      return Status::Ok();
    case ParamType::kDate:
      if (!text.empty() && !ParseIsoDate(text)) return BadValue(spec, naming, text, expected());
      return Status::Ok();
    case ParamType::kBool:
      if (text != "true" && text != "false") return BadValue(spec, naming, text, expected());
      return Status::Ok();
    case ParamType::kList:
    case ParamType::kString:
      break;
  }
  if (text.size() > spec.max_length)
    return BadValue(spec, naming, text.substr(0, 20),
                    fmt::format("longer than the maximum {} characters", spec.max_length));
  if (spec.type == ParamType::kList && !spec.allowed.empty()) {
    size_t begin = 0;
    while (begin <= text.size()) {
      const size_t comma = std::min(text.find(',', begin), text.size());
      if (!Allowed(spec, text.substr(begin, comma - begin)))
        return BadValue(spec, naming, text.substr(begin, comma - begin), expected());
      begin = comma + 1;
    }
  }
  return Status::Ok();
}

std::string_view ParamValue(const ParamText& params, std::string_view name,
                            std::string_view fallback) {
  for (const auto& [key, value] : params)
    if (key == name && !value.empty()) return value;
  return fallback;
}

Result<ParamText> Canonical(const std::vector<ParamSpec>& specs, const ParamText& given,
                            Naming naming, std::string_view route) {
  const auto settable = [naming](const ParamSpec& spec) {
    return naming == Naming::kCli || spec.http;
  };
  for (const auto& [name, value] : given) {
    const auto spec =
        std::find_if(specs.begin(), specs.end(),
                     [&wanted = name](const ParamSpec& s) { return s.name == wanted; });
    if (spec == specs.end() || !settable(*spec)) {
      std::vector<std::string_view> names;
      for (const ParamSpec& known : specs)
        if (settable(known)) names.push_back(known.name);
      return Status(
          ErrorCode::kInvalidArgument,
          fmt::format("parameter '{}': not accepted by /api/v1/{}; expected {}", name, route,
                      names.empty() ? std::string("none")
                                    : fmt::format("one of {}", fmt::join(names, ", "))));
    }
    GROWTHLENS_RETURN_IF_ERROR(CheckValue(*spec, value, naming));
  }
  ParamText canonical;
  for (const ParamSpec& spec : specs) {
    // The last value given wins, as CLI11 takes the last of a repeated option.
    const auto given_value = std::find_if(given.rbegin(), given.rend(), [&spec](const auto& param) {
      return param.first == spec.name;
    });
    if (given_value != given.rend()) {
      canonical.emplace_back(spec.name, given_value->second);
    } else if (!spec.default_value.empty()) {
      canonical.emplace_back(spec.name, spec.default_value);
    }
  }
  return canonical;
}

}  // namespace growthlens::app
