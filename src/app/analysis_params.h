#pragma once
// A typed parameter struct bound to its specs through member pointers, so that an analysis reads
// `params.view` instead of looking a string up, and its spec says how the text becomes that
// member:
//
//   struct KpisParams { std::optional<Day> from, to; std::string view; };
//   const std::vector<Param<KpisParams>> kParams = {
//       {{.name = "from", .type = ParamType::kDate, ...}, &KpisParams::from}, ...};
//   Result<KpisParams> params = BindParams(kParams, canonical_text, Naming::kApi);

#include <charconv>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "app/param_spec.h"
#include "core/date.h"
#include "core/status.h"

namespace growthlens::app {

template <typename P>
using ParamMember = std::variant<int64_t P::*, uint64_t P::*, double P::*,
                                 std::optional<double> P::*, std::string P::*, bool P::*,
                                 std::optional<Day> P::*, std::vector<std::string> P::*>;

template <typename P>
struct Param {
  ParamSpec spec;
  ParamMember<P> member;
};

/// The text of a value already checked by CheckValue, as the member's type.
void AssignChecked(std::string_view text, int64_t& out);
void AssignChecked(std::string_view text, uint64_t& out);
void AssignChecked(std::string_view text, double& out);
/// Empty text: no value (an optional number without a default).
void AssignChecked(std::string_view text, std::optional<double>& out);
void AssignChecked(std::string_view text, std::string& out);
void AssignChecked(std::string_view text, bool& out);
void AssignChecked(std::string_view text, std::optional<Day>& out);
void AssignChecked(std::string_view text, std::vector<std::string>& out);

template <typename P>
std::vector<ParamSpec> SpecsOf(std::span<const Param<P>> params) {
  std::vector<ParamSpec> specs;
  for (const Param<P>& param : params) specs.push_back(param.spec);
  return specs;
}

/// `text` (canonical: names known, values checked; Canonical()) into a P whose other members
/// keep their initial values. Values are checked again, so a caller that skipped Canonical still
/// gets an error rather than a wrong number.
template <typename P>
Result<P> BindParams(std::span<const Param<P>> params, const ParamText& text, Naming naming) {
  P bound{};
  // Not a structured binding: clang before 16 (CI's clang 14) cannot capture one in a lambda.
  for (const std::pair<std::string, std::string>& given : text) {
    const std::string& value = given.second;
    for (const Param<P>& param : params) {
      if (param.spec.name != given.first) continue;
      GROWTHLENS_RETURN_IF_ERROR(CheckValue(param.spec, value, naming));
      std::visit([&bound, &value](auto member) { AssignChecked(value, bound.*member); },
                 param.member);
    }
  }
  return bound;
}

}  // namespace growthlens::app
