#include "cli/workspace_keys_command.h"

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include <algorithm>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "app/json_text.h"
#include "app/table_view.h"
#include "cli/command.h"
#include "cli/output_format.h"
#include "cli/workspace_option.h"
#include "store/access_keys.h"

namespace growthlens::cli {

namespace {

struct KeysArgs {
  std::string path;
  OutputFormat format = OutputFormat::kTable;
  std::string role;  // create: "read", "write" or "ingest"
  std::string name;  // create
  std::string id;    // revoke
};

nlohmann::json KeyJson(const store::KeyInfo& key) {
  const auto or_null = [](const std::string& text) {
    return text.empty() ? nlohmann::json() : nlohmann::json(text);
  };
  return {{"id", key.id},
          {"name", key.name},
          {"role", store::KeyRoleName(key.role)},
          {"created_at", key.created_at},
          {"last_used_at", or_null(key.last_used_at)},
          {"revoked_at", or_null(key.revoked_at)}};
}

std::string KeysTable(const std::string& path, const std::vector<store::KeyInfo>& keys) {
  if (keys.empty())
    return fmt::format(
        "workspace {} has no access keys (growthlens workspace keys create --role read "
        "--workspace {} makes one)\n",
        path, path);
  size_t name_width = 4;
  for (const store::KeyInfo& key : keys) name_width = std::max(name_width, key.name.size());
  std::string text = fmt::format("{:<13} {:<{}} {:<6} {:<19}  {:<19}  {}\n", "ID", "NAME",
                                 name_width, "ROLE", "CREATED (UTC)", "LAST USED", "REVOKED");
  for (const store::KeyInfo& key : keys)
    text += fmt::format("{:<13} {:<{}} {:<6} {:<19}  {:<19}  {}\n", key.id, key.name, name_width,
                        store::KeyRoleName(key.role), key.created_at,
                        key.last_used_at.empty() ? "never" : key.last_used_at,
                        key.revoked_at.empty() ? "-" : key.revoked_at);
  return text;
}

const char* RoleSummary(store::KeyRole role) {
  switch (role) {
    case store::KeyRole::kWrite:
      return "It reads, and also uploads, saves and sends events (Authorization: Bearer KEY).";
    case store::KeyRole::kIngest:
      return "It only sends events (POST /api/v1/events and the SDKs' paths); it reads nothing, "
             "so it may sit in a web page.";
    case store::KeyRole::kRead:
      break;
  }
  return "It opens the dashboard and reads the API from other machines.";
}

Status RunCreate(const KeysArgs& args, CommandOutcome& outcome) {
  const std::optional<store::KeyRole> role = store::KeyRoleFromName(args.role);
  if (!role) return Invalid(fmt::format("--role {}: expected read, write or ingest", args.role));
  Result<store::KeyStore> keys = store::KeyStore::Open(args.path, store::OpenMode::kCreate);
  if (!keys.ok()) return keys.status();
  Result<store::CreatedKey> created = keys->Create(*role, args.name);
  if (!created.ok()) return created.status();
  if (args.format == OutputFormat::kJson) {
    nlohmann::json json = KeyJson(created->info);
    json["key"] = created->secret;
    PrintOut(outcome, app::JsonText(json, 2) + "\n");
    return Status::Ok();
  }
  // The key alone on stdout (KEY=$(growthlens workspace keys create ...)); the rest on stderr.
  fmt::print(stderr,
             "Created {} key {}{} for workspace {}.\nCopy it now: it is shown only this once "
             "(the workspace keeps only its hash). {}\n",
             store::KeyRoleName(*role), created->info.id,
             args.name.empty() ? "" : fmt::format(" ('{}')", args.name), args.path,
             RoleSummary(*role));
  PrintOut(outcome, created->secret + "\n");
  return Status::Ok();
}

Status RunList(const KeysArgs& args, CommandOutcome& outcome) {
  Result<store::KeyStore> keys = store::KeyStore::Open(args.path, store::OpenMode::kExisting);
  if (!keys.ok()) return keys.status();
  Result<std::vector<store::KeyInfo>> listed = keys->List();
  if (!listed.ok()) return listed.status();
  if (args.format == OutputFormat::kJson) {
    nlohmann::json json = nlohmann::json::array();
    for (const store::KeyInfo& key : *listed) json.push_back(KeyJson(key));
    PrintOut(outcome, app::JsonText(json, 2) + "\n");
  } else if (args.format == OutputFormat::kCsv) {
    std::string csv = "id,name,role,created_at,last_used_at,revoked_at\n";
    for (const store::KeyInfo& key : *listed) {
      csv += key.id + ",";
      app::AppendSpreadsheetSafeField(key.name, csv);  // the user's text: never a formula
      csv += fmt::format(",{},{},{},{}\n", store::KeyRoleName(key.role), key.created_at,
                         key.last_used_at, key.revoked_at);
    }
    PrintOut(outcome, csv);
  } else {
    PrintOut(outcome, KeysTable(args.path, *listed));
  }
  return Status::Ok();
}

Status RunRevoke(const KeysArgs& args, CommandOutcome& outcome) {
  Result<store::KeyStore> keys = store::KeyStore::Open(args.path, store::OpenMode::kExisting);
  if (!keys.ok()) return keys.status();
  Result<store::RevokeOutcome> revoked = keys->Revoke(args.id);
  if (!revoked.ok()) return revoked.status();
  switch (*revoked) {
    case store::RevokeOutcome::kUnknown:
      return Invalid(fmt::format(
          "workspace {} has no key {} (growthlens workspace keys list --workspace {} shows the "
          "ids)",
          args.path, args.id, args.path));
    case store::RevokeOutcome::kAlreadyRevoked:
      PrintOut(outcome, fmt::format("key {} was revoked already\n", args.id));
      return Status::Ok();
    case store::RevokeOutcome::kRevoked:
      break;
  }
  PrintOut(outcome, fmt::format("revoked key {}: a running server refuses it from its next "
                                "request on\n",
                                args.id));
  return Status::Ok();
}

using KeysRunner = Status (*)(const KeysArgs&, CommandOutcome&);

CLI::App* AddKeysAction(CLI::App& keys, const std::string& name, const std::string& description,
                        const std::shared_ptr<KeysArgs>& args, KeysRunner run,
                        CommandOutcome& outcome) {
  CLI::App* command = keys.add_subcommand(name, description);
  AddWorkspaceOption(*command, args->path);
  command->callback([args, run, name, &outcome] {
    const Status status = run(*args, outcome);
    if (!status.ok()) ReportFailure("workspace keys " + name, status, outcome);
  });
  return command;
}

}  // namespace

void RegisterWorkspaceKeysCommand(CLI::App& workspace, CommandOutcome& outcome) {
  auto args = std::make_shared<KeysArgs>();
  CLI::App* keys = workspace.add_subcommand(
      "keys",
      "Manage the keys of `growthlens serve --workspace W`: read keys open the dashboard and the "
      "API from other machines, write keys also upload, save and send events (which needs a "
      "key from every machine), ingest keys only send events. Keys are stored hashed");
  keys->require_subcommand(1);
  CLI::App* create = AddKeysAction(
      *keys, "create",
      "Make a new key and print it once (on stdout, alone on its line; --format json adds its "
      "id): copy it then, the workspace keeps only its hash",
      args, RunCreate, outcome);
  create
      ->add_option("--role", args->role,
                   "read (dashboard and API), write (also uploads and events) or ingest "
                   "(events only, e.g. a browser SDK's public key)")
      ->required()
      ->check(CLI::IsMember({"read", "write", "ingest"}));
  create->add_option("--name", args->name, "A label to tell keys apart, e.g. 'Finance laptop'");
  create->add_option("--format", args->format, "text (the key alone) or json")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, OutputFormat>{{"text", OutputFormat::kTable},
                                              {"json", OutputFormat::kJson}},
          CLI::ignore_case));
  CLI::App* list = AddKeysAction(
      *keys, "list",
      "List the keys (never the keys themselves): id, name, role, when created, last used "
      "(to the minute) and revoked",
      args, RunList, outcome);
  AddFormatOption(*list, args->format);
  CLI::App* revoke = AddKeysAction(
      *keys, "revoke",
      "Revoke a key by its id (as `keys list` shows it): a running server refuses it from its "
      "next request on",
      args, RunRevoke, outcome);
  revoke->add_option("id", args->id, "The key's id, e.g. glw_ab12cd34")->required();
}

}  // namespace growthlens::cli
