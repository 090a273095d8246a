#include "app/analysis_params.h"

namespace growthlens::app {

void AssignChecked(std::string_view text, int64_t& out) {
  std::from_chars(text.data(), text.data() + text.size(), out);
}

void AssignChecked(std::string_view text, uint64_t& out) {
  std::from_chars(text.data(), text.data() + text.size(), out);
}

void AssignChecked(std::string_view text, double& out) {
  std::from_chars(text.data(), text.data() + text.size(), out);
}

void AssignChecked(std::string_view text, std::optional<double>& out) {
  out.reset();
  if (text.empty()) return;
  double value = 0;
  std::from_chars(text.data(), text.data() + text.size(), value);
  out = value;
}

void AssignChecked(std::string_view text, std::string& out) {
  out = std::string(text);
}

void AssignChecked(std::string_view text, bool& out) {
  out = text == "true";
}

void AssignChecked(std::string_view text, std::optional<Day>& out) {
  out = text.empty() ? std::nullopt : ParseIsoDate(text);
}

void AssignChecked(std::string_view text, std::vector<std::string>& out) {
  out.clear();
  if (text.empty()) return;
  size_t begin = 0;
  while (begin <= text.size()) {
    const size_t comma = std::min(text.find(',', begin), text.size());
    out.emplace_back(text.substr(begin, comma - begin));
    begin = comma + 1;
  }
}

}  // namespace growthlens::app
