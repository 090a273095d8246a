#pragma once
// JSON text that never throws on bytes that are not UTF-8: names from the command line or a
// request (a ratio's label, a file path) reach the output unchecked, and nlohmann/json's dump
// throws on invalid UTF-8 by default, which would end the program. Invalid bytes become U+FFFD.

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace growthlens::app {

/// `indent` -1: one line; otherwise pretty-printed with that many spaces.
std::string JsonText(const nlohmann::json& value, int indent = -1);
std::string JsonText(const nlohmann::ordered_json& value, int indent = -1);

}  // namespace growthlens::app
