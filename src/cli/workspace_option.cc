#include "cli/workspace_option.h"

#include <cstdlib>
#include <filesystem>

#include "warehouse/clickhouse_url.h"

namespace growthlens::cli {

std::string ResolveWorkspace(const std::string& given, bool use_default) {
  if (!given.empty()) return given;
  if (const char* chosen = std::getenv("GROWTHLENS_WORKSPACE"); chosen != nullptr && *chosen)
    return chosen;
  if (!use_default) return "";
  const char* home = std::getenv("HOME");
  const std::filesystem::path base = home != nullptr && *home ? home : ".";
  return (base / ".local/share/growthlens/default.glw").string();
}

std::string DefaultWorkspacePath() {
  return ResolveWorkspace("", true);
}

void AddWorkspaceOption(CLI::App& command, std::string& path) {
  path = DefaultWorkspacePath();
  command.add_option("--workspace", path,
                     "Workspace file (default: $GROWTHLENS_WORKSPACE, else "
                     "~/.local/share/growthlens/default.glw), or a ClickHouse database: "
                     "clickhouse://HOST:PORT/DATABASE (clickhouse+https://... for TLS)");
}

bool IsClickHouseWorkspace(const std::string& workspace) {
  return warehouse::IsClickHouseUrl(workspace);
}

void AddClickHouseCredentialOptions(CLI::App& command, ClickHouseCredentials& credentials) {
  command.add_option("--ch-user", credentials.user,
                     "ClickHouse user of a clickhouse:// workspace (default: "
                     "$GROWTHLENS_CLICKHOUSE_USER, else the server's default user)");
  command.add_option("--ch-password", credentials.password,
                     "ClickHouse password (default: $GROWTHLENS_CLICKHOUSE_PASSWORD; the "
                     "variable keeps it out of the process list)");
}

}  // namespace growthlens::cli
