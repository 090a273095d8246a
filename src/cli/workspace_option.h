#pragma once
// The --workspace option of the commands that read or write a workspace file, and its default:
// $GROWTHLENS_WORKSPACE, else ~/.local/share/growthlens/default.glw. A workspace is a file, or
// a ClickHouse database: clickhouse://HOST:PORT/DATABASE (clickhouse+https://... for TLS), whose
// user and password come from --ch-user/--ch-password or $GROWTHLENS_CLICKHOUSE_USER/_PASSWORD.

#include <CLI/CLI.hpp>

#include <string>

namespace growthlens::cli {

std::string DefaultWorkspacePath();

/// The workspace a command uses: `given` (its --workspace), else $GROWTHLENS_WORKSPACE, else,
/// when `use_default`, ~/.local/share/growthlens/default.glw; "" = none.
std::string ResolveWorkspace(const std::string& given, bool use_default);

/// Adds --workspace to `command`, filling `path` with the default first.
void AddWorkspaceOption(CLI::App& command, std::string& path);

/// Whether `workspace` is a ClickHouse URL rather than a file.
bool IsClickHouseWorkspace(const std::string& workspace);

/// The ClickHouse user and password given on the command line ("" = from the environment).
struct ClickHouseCredentials {
  std::string user;
  std::string password;
};

/// Adds --ch-user and --ch-password to `command`.
void AddClickHouseCredentialOptions(CLI::App& command, ClickHouseCredentials& credentials);

}  // namespace growthlens::cli
