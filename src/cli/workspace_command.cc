// growthlens workspace info|check|compact|export|delete-user|keys: look after a workspace file.

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "app/churn_model.h"
#include "app/inbox_fold.h"
#include "app/json_text.h"
#include "app/saved_persona_model.h"
#include "cli/command.h"
#include "cli/output_format.h"
#include "cli/workspace_init_command.h"
#include "cli/workspace_keys_command.h"
#include "cli/workspace_option.h"
#include "core/date.h"
#include "io/atomic_file.h"
#include "io/dataset_csv_writer.h"
#include "store/user_erasure.h"
#include "store/workspace.h"

namespace growthlens::cli {

namespace {

struct WorkspaceArgs {
  std::string path;
  OutputFormat format = OutputFormat::kTable;
  std::string kind;        // export, delete-user: "usage", "events" or "transactions"; empty: all
  std::string output;      // export
  std::string as = "csv";  // export: csv or ndjson
  std::string from, to;    // export: day range
  std::string user;        // delete-user
};

Result<store::Workspace> OpenExisting(const WorkspaceArgs& args) {
  return store::Workspace::Open(args.path, store::OpenMode::kExisting);
}

/// The workspace with its inbox of live events folded into blocks first: what compact, export
/// and delete-user work on, so that they see (and rewrite) every stored event.
Result<store::Workspace> OpenFolded(const WorkspaceArgs& args) {
  Result<store::Workspace> workspace = OpenExisting(args);
  if (!workspace.ok()) return workspace;
  Result<app::FoldOutcome> folded = app::FoldInbox(*workspace, IngestOptions{});
  if (!folded.ok()) return folded.status();
  if (folded->loads > 0)
    fmt::print(stderr, "growthlens workspace: folded {} live events of the inbox into blocks\n",
               WithThousands(folded->events));
  return workspace;
}

/// "usage, events".
std::string KindNames(const std::vector<DataKind>& kinds) {
  std::string names;
  for (const DataKind kind : kinds)
    names += fmt::format("{}{}", names.empty() ? "" : ", ", DataKindName(kind));
  return names;
}

/// The stored kinds the command works on: --kind's, or every stored kind.
Result<std::vector<DataKind>> ChosenKinds(store::Workspace& workspace, const std::string& kind) {
  Result<std::vector<DataKind>> kinds = workspace.Kinds();
  if (!kinds.ok() || kind.empty()) return kinds;
  for (const DataKind stored : *kinds)
    if (kind == DataKindName(stored)) return std::vector<DataKind>{stored};
  return Invalid(
      fmt::format("--kind {}: workspace {} holds no {} data", kind, workspace.path(), kind));
}

std::string SizeText(uint64_t bytes) {
  if (bytes < 10'000) return fmt::format("{} B", bytes);
  if (bytes < 10'000'000) return fmt::format("{:.1f} kB", static_cast<double>(bytes) / 1e3);
  return fmt::format("{:.1f} MB", static_cast<double>(bytes) / 1e6);
}

const store::TableInfo* TableNamed(const store::WorkspaceInfo& info, std::string_view name) {
  for (const store::TableInfo& table : info.tables)
    if (table.name == name) return &table;
  return nullptr;
}

nlohmann::json InfoJson(const std::string& path, const store::WorkspaceInfo& info,
                        const store::InboxStats& inbox) {
  nlohmann::json json = {{"workspace", path},
                         {"schema_version", info.schema_version},
                         {"file_bytes", info.file_bytes},
                         {"wal_bytes", info.wal_bytes}};
  json["inbox"] = {
      {"events", inbox.events},
      {"first_received", inbox.events ? FormatTimestamp(inbox.first_received_ms / 1000) : ""},
      {"last_received", inbox.events ? FormatTimestamp(inbox.last_received_ms / 1000) : ""},
      {"uuids", inbox.uuids}};
  uint64_t rows = 0;
  nlohmann::json tables = nlohmann::json::array();
  for (const store::TableInfo& table : info.tables) {
    tables.push_back({{"table", table.name},
                      {"rows", table.rows},
                      {"blocks", table.blocks},
                      {"bytes", table.bytes}});
    if (table.name.ends_with(".rows")) rows += table.rows;
  }
  json["rows"] = rows;
  json["tables"] = tables;
  nlohmann::json loads = nlohmann::json::array();
  for (const store::StoredLoad& load : info.loads)
    loads.push_back({{"id", load.id},
                     {"kind", DataKindName(load.kind)},
                     {"source", load.record.source_name},
                     {"source_bytes", load.record.source_bytes},
                     {"checksum", load.record.checksum},
                     {"loaded_at", load.loaded_at},
                     {"rows_read", load.record.rows_read},
                     {"rows_kept", load.rows_kept},
                     {"rows_added", load.rows_added},
                     {"rows_duplicate", load.rows_duplicate}});
  json["loads"] = loads;
  return json;
}

std::string InfoTable(const std::string& path, const store::WorkspaceInfo& info,
                      const store::InboxStats& inbox) {
  std::string text = fmt::format("Workspace   {} (schema version {})\n", path, info.schema_version);
  text += fmt::format("On disk     {} (+ {} write-ahead log)\n", SizeText(info.file_bytes),
                      SizeText(info.wal_bytes));
  for (const auto& [kind, users] :
       {std::pair{"usage", "users"}, {"events", "users"}, {"transactions", "customers"}}) {
    const store::TableInfo* rows = TableNamed(info, fmt::format("{}.rows", kind));
    if (rows == nullptr) continue;
    const store::TableInfo* people = TableNamed(info, fmt::format("{}.users", kind));
    uint64_t bytes = 0;
    for (const store::TableInfo& table : info.tables)
      if (table.name.starts_with(kind)) bytes += table.bytes;
    text += fmt::format("{:<12}{} rows, {} {}, {} in {} row blocks ({:.2f} B/row)\n", kind,
                        WithThousands(rows->rows), WithThousands(people ? people->rows : 0), users,
                        SizeText(bytes), rows->blocks,
                        static_cast<double>(bytes) / static_cast<double>(rows->rows));
  }
  if (inbox.events > 0)
    text +=
        fmt::format("Inbox       {} live events received {} to {}, not yet in blocks\n",
                    WithThousands(inbox.events), FormatTimestamp(inbox.first_received_ms / 1000),
                    FormatTimestamp(inbox.last_received_ms / 1000));
  if (inbox.uuids > 0)
    text += fmt::format("Uuids       {} remembered to store retried events once\n",
                        WithThousands(inbox.uuids));
  text += fmt::format("Loads       {}\n", info.loads.size());
  for (const store::StoredLoad& load : info.loads)
    text += fmt::format("  {:>3}  {}  {:<12} {}: {} read, {} added, {} already stored\n", load.id,
                        load.loaded_at, DataKindName(load.kind), load.record.source_name,
                        WithThousands(load.record.rows_read), WithThousands(load.rows_added),
                        WithThousands(load.rows_duplicate));
  return text;
}

/// The saved items: views and experiment analyses counted, persona and churn models listed.
struct SavedListing {
  size_t views = 0;
  size_t experiments = 0;
  std::vector<app::PersonaModelSummary> models;
  std::vector<app::ChurnModelSummary> churn_models;
};

Result<SavedListing> ListSavedItems(store::Workspace& workspace) {
  SavedListing listing;
  Result<std::vector<store::SavedItem>> views = workspace.ListSaved(store::SavedKind::kView);
  if (!views.ok()) return views.status();
  Result<std::vector<store::SavedItem>> experiments =
      workspace.ListSaved(store::SavedKind::kExperiment);
  if (!experiments.ok()) return experiments.status();
  Result<std::vector<app::PersonaModelSummary>> models = app::ListPersonaModels(workspace);
  if (!models.ok()) return models.status();
  listing.views = views->size();
  listing.experiments = experiments->size();
  listing.models = std::move(models).value();
  Result<std::vector<app::ChurnModelSummary>> churn = app::ListChurnModels(workspace);
  if (!churn.ok()) return churn.status();
  listing.churn_models = std::move(churn).value();
  return listing;
}

nlohmann::json SavedItemsJson(const SavedListing& saved) {
  nlohmann::ordered_json models = nlohmann::ordered_json::array();
  for (const app::PersonaModelSummary& model : saved.models)
    models.push_back(app::PersonaModelSummaryJson(model));
  nlohmann::ordered_json churn = nlohmann::ordered_json::array();
  for (const app::ChurnModelSummary& model : saved.churn_models)
    churn.push_back(app::ChurnModelSummaryJson(model));
  return {{"views", saved.views},
          {"experiments", saved.experiments},
          {"persona_models", nlohmann::json(models)},
          {"churn_models", nlohmann::json(churn)}};
}

std::string SavedItemsTable(const SavedListing& saved) {
  std::string text = fmt::format(
      "Saved       {} view(s), {} experiment analysis(es), {} persona "
      "model(s)\n",
      saved.views, saved.experiments, saved.models.size());
  for (const app::PersonaModelSummary& model : saved.models)
    text += fmt::format(
        "  persona model '{}'  {}  {} personas of {} {}, fitted on {} rows (loads "
        "{})\n",
        model.name, model.saved_at, model.k, WithThousands(model.users),
        model.kind == "transactions" ? "customers" : "users", WithThousands(model.rows),
        fmt::join(model.load_ids, ", "));
  text += fmt::format("Saved       {} churn model(s)\n", saved.churn_models.size());
  for (const app::ChurnModelSummary& model : saved.churn_models)
    text += fmt::format(
        "  churn model '{}'  {}  {} on {} data, trained at {} on {} users, validation ROC AUC "
        "{:.4f} at {}\n",
        model.name, model.saved_at, model.kept, model.kind, model.train_cutoff,
        WithThousands(model.train_users), model.validation_roc_auc, model.validation_cutoff);
  return text;
}

Status RunInfo(const WorkspaceArgs& args, CommandOutcome& outcome) {
  Result<store::Workspace> workspace = OpenExisting(args);
  if (!workspace.ok()) return workspace.status();
  Result<store::WorkspaceInfo> info = workspace->Info();
  if (!info.ok()) return info.status();
  Result<SavedListing> saved = ListSavedItems(*workspace);
  if (!saved.ok()) return saved.status();
  Result<store::InboxStats> inbox = workspace->Inbox().Stats();
  if (!inbox.ok()) return inbox.status();
  if (args.format == OutputFormat::kJson) {
    nlohmann::json json = InfoJson(args.path, *info, *inbox);
    json["saved"] = SavedItemsJson(*saved);
    PrintOut(outcome, app::JsonText(json, 2) + "\n");
  } else if (args.format == OutputFormat::kCsv) {
    std::string csv = "table,rows,blocks,bytes\n";
    for (const store::TableInfo& table : info->tables)
      csv += fmt::format("{},{},{},{}\n", table.name, table.rows, table.blocks, table.bytes);
    PrintOut(outcome, csv);
  } else {
    PrintOut(outcome, InfoTable(args.path, *info, *inbox) + SavedItemsTable(*saved));
  }
  return Status::Ok();
}

Status RunCheck(const WorkspaceArgs& args, CommandOutcome& outcome) {
  Result<store::Workspace> workspace = OpenExisting(args);
  if (!workspace.ok()) return workspace.status();
  Result<std::vector<std::string>> problems = workspace->Check();
  if (!problems.ok()) return problems.status();
  if (problems->empty()) {
    PrintOut(outcome, fmt::format("workspace {}: ok (SQLite integrity check passed, every block "
                                  "decodes, every code lies in its dictionary)\n",
                                  args.path));
    return Status::Ok();
  }
  std::string text;
  for (const std::string& problem : *problems) text += "  " + problem + "\n";
  PrintOut(outcome, text);
  return Status(ErrorCode::kDataError,
                fmt::format("workspace {} failed its check: {} problem(s), listed above", args.path,
                            problems->size()));
}

/// Rewrites every kind in full blocks at a higher zstd level, then vacuums.
Status RunCompact(const WorkspaceArgs& args, CommandOutcome& outcome) {
  Result<store::Workspace> workspace = OpenFolded(args);
  if (!workspace.ok()) return workspace.status();
  Result<store::WorkspaceInfo> before = workspace->Info();
  if (!before.ok()) return before.status();
  Result<std::vector<DataKind>> kinds = workspace->Kinds();
  if (!kinds.ok()) return kinds.status();
  workspace->SetCompressionLevel(9);
  for (const DataKind kind : *kinds) {
    Result<Dataset> data = workspace->Load(kind);
    if (!data.ok()) return data.status();
    GROWTHLENS_RETURN_IF_ERROR(workspace->Replace(*data));
  }
  GROWTHLENS_RETURN_IF_ERROR(workspace->Vacuum());
  Result<store::WorkspaceInfo> after = workspace->Info();
  if (!after.ok()) return after.status();
  const auto blocks = [](const store::WorkspaceInfo& info) {
    uint64_t count = 0;
    for (const store::TableInfo& table : info.tables) count += table.blocks;
    return count;
  };
  PrintOut(outcome,
           fmt::format("workspace {}: compacted from {} in {} blocks to {} in {} blocks\n",
                       args.path, SizeText(before->file_bytes + before->wal_bytes), blocks(*before),
                       SizeText(after->file_bytes + after->wal_bytes), blocks(*after)));
  return Status::Ok();
}

/// JSON string literals of a dictionary's strings, escaped once.
std::vector<std::string> QuotedStrings(const StringDictionary& dictionary) {
  std::vector<std::string> quoted(dictionary.size());
  for (uint32_t code = 0; code < dictionary.size(); ++code)
    quoted[code] = app::JsonText(nlohmann::json(std::string(dictionary[code])));
  return quoted;
}

std::string DayJson(Day day) {
  return day == kNoDay ? "null" : "\"" + FormatDate(day) + "\"";
}

Status WriteNdjson(const Dataset& data, const std::string& path) {
  Result<AtomicFile> file = AtomicFile::Create(path);
  if (!file.ok()) return file.status();
  std::string buffer;
  const auto flush = [&](bool last) {
    if (buffer.size() < (1u << 20) && !last) return;
    file->Write(buffer);
    buffer.clear();
  };
  data.Visit(Overloaded{
      [&](const UsageLog& log) {
        const std::vector<std::string> users = QuotedStrings(log.users);
        const std::vector<std::string> features = QuotedStrings(log.features);
        if (log.grain == UsageGrain::kEvent) {
          // As the CSV export: user_id, timestamp, event[, count]; absent counts stay absent;
          // properties set on the row in a "properties" object.
          std::vector<std::string> property_names;
          std::vector<std::vector<std::string>> property_values;
          for (const PropertyColumn& property : log.properties.columns) {
            property_names.push_back(app::JsonText(nlohmann::json(property.name())));
            property_values.push_back(QuotedStrings(property.values));
          }
          for (size_t row = 0; row < log.rows(); ++row) {
            buffer += fmt::format("{{\"user_id\":{},\"timestamp\":\"", users[log.usage.user[row]]);
            AppendEventTime(log.usage.day[row], log.usage.ms_of_day[row], buffer);
            buffer += fmt::format("\",\"event\":{}", features[log.usage.feature[row]]);
            if (!log.usage.events.empty())
              buffer += fmt::format(",\"count\":{}", log.usage.events[row]);
            bool any = false;
            for (size_t property = 0; property < property_names.size(); ++property) {
              const uint32_t code = log.properties.columns[property][row];
              if (code == 0) continue;  // "" : not set
              buffer += any ? "," : ",\"properties\":{";
              buffer += property_names[property];
              buffer += ':';
              buffer += property_values[property][code];
              any = true;
            }
            if (any) buffer += '}';
            buffer += "}\n";
            flush(false);
          }
          return;
        }
        for (size_t row = 0; row < log.rows(); ++row) {
          const uint32_t user = log.usage.user[row];
          fmt::format_to(std::back_inserter(buffer),
                         "{{\"user_id\":{},\"signup_date\":{},\"event_date\":\"{}\","
                         "\"feature_name\":{},\"events_count\":{}}}\n",
                         users[user], DayJson(log.user_signup[user]),
                         FormatDate(log.usage.day[row]), features[log.usage.feature[row]],
                         log.usage.events.empty() ? 1 : log.usage.events[row]);
          flush(false);
        }
      },
      [&](const TransactionLog& log) {
        const std::vector<std::string> users = QuotedStrings(log.users);
        const std::vector<std::string> invoices = QuotedStrings(log.invoices);
        const std::vector<std::string> stock_codes = QuotedStrings(log.stock_codes);
        const std::vector<std::string> descriptions = QuotedStrings(log.descriptions);
        const std::vector<std::string> countries = QuotedStrings(log.countries);
        for (size_t row = 0; row < log.rows(); ++row) {
          const uint32_t order = log.transactions.order[row];
          const uint32_t item = log.transactions.item[row];
          const uint32_t customer = log.orders.customer[order];
          fmt::format_to(
              std::back_inserter(buffer),
              "{{\"InvoiceNo\":{},\"StockCode\":{},\"Description\":{},\"Quantity\":{},"
              "\"InvoiceDate\":\"{}\",\"UnitPrice\":{},\"CustomerID\":{},"
              "\"Country\":{}}}\n",
              invoices[log.orders.invoice[order]], stock_codes[log.items.stock_code[item]],
              descriptions[log.items.description[item]], log.transactions.quantity[row],
              FormatTimestamp(log.orders.time[order]), log.prices[log.transactions.price[row]],
              customer == kNullCode ? "null" : users[customer],
              countries[log.orders.country[order]]);
          flush(false);
        }
      }});
  flush(true);
  return file->Commit();
}

Status RunExport(const WorkspaceArgs& args, CommandOutcome& outcome) {
  Result<store::Workspace> workspace = OpenFolded(args);
  if (!workspace.ok()) return workspace.status();
  Result<std::vector<DataKind>> kinds = ChosenKinds(*workspace, args.kind);
  if (!kinds.ok()) return kinds.status();
  if (kinds->empty())
    return Status(ErrorCode::kDataError, fmt::format("workspace {} holds no data", args.path));
  if (kinds->size() > 1)
    return Invalid(
        fmt::format("workspace {} holds more than one kind of data ({}): choose one "
                    "with --kind",
                    args.path, KindNames(*kinds)));
  store::DayRange range;
  if (!args.from.empty()) {
    const std::optional<Day> day = ParseIsoDate(args.from);
    if (!day) return Invalid(fmt::format("--from {}: expected a date YYYY-MM-DD", args.from));
    range.first = *day;
  }
  if (!args.to.empty()) {
    const std::optional<Day> day = ParseIsoDate(args.to);
    if (!day) return Invalid(fmt::format("--to {}: expected a date YYYY-MM-DD", args.to));
    range.last = *day;
  }
  Result<Dataset> data = workspace->Load(kinds->front(), range);
  if (!data.ok()) return data.status();
  GROWTHLENS_RETURN_IF_ERROR(args.as == "ndjson" ? WriteNdjson(*data, args.output)
                                                 : WriteDatasetCsv(*data, args.output));
  PrintOut(outcome,
           fmt::format("workspace {}: exported {} {} rows to {}\n", args.path,
                       WithThousands(data->rows()), DataKindName(data->kind()), args.output));
  return Status::Ok();
}

/// Replaces every string of `json` that contains `user_id` (a cleaning report's examples quote
/// the fields of dropped rows); true when it changed anything.
bool ScrubUser(nlohmann::json& json, const std::string& user_id) {
  bool changed = false;
  if (json.is_string()) {
    if (json.get_ref<const std::string&>().find(user_id) != std::string::npos) {
      json = "[erased]";
      changed = true;
    }
  } else if (json.is_structured()) {
    for (nlohmann::json& child : json) changed = ScrubUser(child, user_id) || changed;
  }
  return changed;
}

/// The loads of `kind` whose reports mention `user_id`, scrubbed.
Result<std::vector<store::Workspace::ReportUpdate>> ScrubbedReports(store::Workspace& workspace,
                                                                    DataKind kind,
                                                                    const std::string& user_id) {
  Result<store::WorkspaceInfo> info = workspace.Info();
  if (!info.ok()) return info.status();
  std::vector<store::Workspace::ReportUpdate> updates;
  for (const store::StoredLoad& load : info->loads) {
    if (load.kind != kind) continue;
    nlohmann::json report = nlohmann::json::parse(load.record.report_json, nullptr, false);
    if (!report.is_discarded() && ScrubUser(report, user_id))
      updates.push_back({load.id, app::JsonText(report)});
  }
  return updates;
}

Status RunDeleteUser(const WorkspaceArgs& args, CommandOutcome& outcome) {
  Result<store::Workspace> workspace = OpenFolded(args);
  if (!workspace.ok()) return workspace.status();
  Result<std::vector<DataKind>> kinds = ChosenKinds(*workspace, args.kind);
  if (!kinds.ok()) return kinds.status();
  uint64_t erased = 0;
  bool found = false;
  for (const DataKind kind : *kinds) {
    Result<Dataset> data = workspace->Load(kind);
    if (!data.ok()) return data.status();
    if (!data->users().Find(args.user)) continue;
    Result<store::Erasure> erasure = store::EraseUser(*data, args.user);
    if (!erasure.ok()) return erasure.status();
    Result<std::vector<store::Workspace::ReportUpdate>> reports =
        ScrubbedReports(*workspace, kind, args.user);
    if (!reports.ok()) return reports.status();
    GROWTHLENS_RETURN_IF_ERROR(workspace->Replace(erasure->data, *reports));
    erased += erasure->rows_erased;
    found = true;
  }
  if (!found)
    return Invalid(fmt::format("workspace {} holds no user with id '{}'", args.path, args.user));
  // Vacuum rewrites the file, so the freed pages that held the user's rows are gone too.
  GROWTHLENS_RETURN_IF_ERROR(workspace->Vacuum());
  PrintOut(outcome, fmt::format("workspace {}: erased user '{}' and their {} rows\n", args.path,
                                args.user, WithThousands(erased)));
  return Status::Ok();
}

using WorkspaceRunner = Status (*)(const WorkspaceArgs&, CommandOutcome&);

void AddWorkspaceAction(CLI::App& parent, const std::string& name, const std::string& description,
                        const std::shared_ptr<WorkspaceArgs>& args, WorkspaceRunner run,
                        CommandOutcome& outcome,
                        const std::function<void(CLI::App&)>& options = nullptr) {
  CLI::App* command = parent.add_subcommand(name, description);
  AddWorkspaceOption(*command, args->path);
  if (options) options(*command);
  command->callback([args, run, name, &outcome] {
    const Status status = run(*args, outcome);
    if (!status.ok()) ReportFailure("workspace " + name, status, outcome);
  });
}

}  // namespace

void RegisterWorkspaceCommand(CLI::App& app, CommandOutcome& outcome) {
  auto args = std::make_shared<WorkspaceArgs>();
  CLI::App* workspace = app.add_subcommand(
      "workspace",
      "Look after a workspace, the file that holds ingested data (growthlens ingest FILE "
      "--workspace W): sizes, checks, compaction, export, erasure of one user and the access "
      "keys of the server");
  workspace->require_subcommand(1);
  AddWorkspaceAction(
      *workspace, "info",
      "Print the workspace's size on disk, its rows, users and blocks per kind of data, "
      "and the history of its loads",
      args, RunInfo, outcome, [&](CLI::App& command) { AddFormatOption(command, args->format); });
  AddWorkspaceAction(
      *workspace, "check",
      "Verify the workspace: SQLite's integrity check, then every block decoded and every "
      "code checked against its dictionary; exits non-zero listing any problem",
      args, RunCheck, outcome);
  AddWorkspaceAction(*workspace, "compact",
                     "Merge the small blocks that many loads leave into full ones, recompress them "
                     "harder and give the freed space back to the file system",
                     args, RunCompact, outcome);
  AddWorkspaceAction(
      *workspace, "export",
      "Write the stored data back to a CSV file in its input schema, or to NDJSON, "
      "optionally only the days between --from and --to",
      args, RunExport, outcome, [&](CLI::App& command) {
        command.add_option("--output,-o", args->output, "File to write")->required();
        command.add_option("--as", args->as, "File format: csv (default) or ndjson")
            ->check(CLI::IsMember({"csv", "ndjson"}));
        command
            .add_option("--kind", args->kind,
                        "usage, events or transactions, when the workspace holds more than one")
            ->check(CLI::IsMember({"usage", "events", "transactions"}));
        command.add_option("--from", args->from, "First day to export, YYYY-MM-DD");
        command.add_option("--to", args->to, "Last day to export, YYYY-MM-DD");
      });
  AddWorkspaceAction(
      *workspace, "delete-user",
      "Erase one user's (customer's) data: their rows, orders and signup day leave "
      "every block and the user dictionary, and the file is rewritten without them",
      args, RunDeleteUser, outcome, [&](CLI::App& command) {
        command.add_option("user", args->user, "The user's id as in the source data")->required();
        command
            .add_option("--kind", args->kind,
                        "usage, events or transactions (default: every kind stored)")
            ->check(CLI::IsMember({"usage", "events", "transactions"}));
      });
  RegisterWorkspaceKeysCommand(*workspace, outcome);
  RegisterWorkspaceInitCommand(*workspace, outcome);
}

}  // namespace growthlens::cli
