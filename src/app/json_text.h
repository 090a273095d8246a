// JSON text that never throws on bytes that are not UTF-8: names from the command line or a
// request (a ratio's label, a file path) reach the output unchecked, and nlohmann/json's dump
// throws on invalid UTF-8 by default, which would end the program. Invalid bytes become U+FFFD.

#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace growthlens::app {

template <typename Json>
std::string JsonText(const Json& value, int indent = -1) {
  return value.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace growthlens::app
