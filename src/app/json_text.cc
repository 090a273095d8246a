#include "app/json_text.h"

#include <nlohmann/json.hpp>

namespace growthlens::app {
namespace {

template <typename Json>
std::string Dump(const Json& value, int indent) {
  return value.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace

std::string JsonText(const nlohmann::json& value, int indent) {
  return Dump(value, indent);
}

std::string JsonText(const nlohmann::ordered_json& value, int indent) {
  return Dump(value, indent);
}

}  // namespace growthlens::app
