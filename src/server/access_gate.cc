#include "server/access_gate.h"

#include <fmt/format.h>

#include <fstream>

namespace growthlens::server {

namespace {

constexpr size_t kMinimumKeyLength = 16;

std::string Trimmed(std::string text) {
  const size_t end = text.find_last_not_of(" \t\r\n");
  text.erase(end == std::string::npos ? 0 : end + 1);
  const size_t begin = text.find_first_not_of(" \t");
  return begin == std::string::npos ? std::string() : text.substr(begin);
}

}  // namespace

std::optional<Access> SharedKeyGate::Grants(std::string_view key) const {
  // Every byte compared whatever the first difference, so that timing tells nothing.
  unsigned char difference = key.size() == key_.size() ? 0 : 1;
  for (size_t at = 0; at < key_.size(); ++at)
    difference |= static_cast<unsigned char>(key_[at] ^ (at < key.size() ? key[at] : '\0'));
  if (difference != 0) return std::nullopt;
  return Access::kWrite;
}

std::optional<Access> AnyOfGates::Grants(std::string_view key) const {
  std::optional<Access> most;
  for (const std::shared_ptr<const AccessGate>& gate : gates_) {
    const std::optional<Access> granted = gate->Grants(key);
    if (granted && (!most || *granted == Access::kWrite)) most = granted;
  }
  return most;
}

bool AnyOfGates::HasKeys() const {
  for (const std::shared_ptr<const AccessGate>& gate : gates_)
    if (gate->HasKeys()) return true;
  return false;
}

Result<std::unique_ptr<AccessGate>> LoadSharedKey(const std::string& key_file,
                                                  const std::string& key,
                                                  const char* environment_key) {
  std::string chosen, source;
  if (!key_file.empty()) {
    std::ifstream in(key_file);
    if (!in)
      return Status(ErrorCode::kIoError,
                    fmt::format("--access-key-file '{}': cannot be read", key_file));
    std::getline(in, chosen);
    source = fmt::format("--access-key-file '{}'", key_file);
  } else if (!key.empty()) {
    chosen = key;
    source = "--access-key";
  } else if (environment_key != nullptr && *environment_key != '\0') {
    chosen = environment_key;
    source = "GROWTHLENS_ACCESS_KEY";
  } else {
    return std::unique_ptr<AccessGate>();
  }
  chosen = Trimmed(std::move(chosen));
  if (chosen.size() < kMinimumKeyLength)
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("{}: the access key has {} characters; use at least {} (e.g. "
                              "`head -c 24 /dev/urandom | base64`)",
                              source, chosen.size(), kMinimumKeyLength));
  return std::unique_ptr<AccessGate>(std::make_unique<SharedKeyGate>(std::move(chosen)));
}

}  // namespace growthlens::server
