// growthlens api-docs: the part of docs/API.md generated from the analyses' parameter specs
// (app/api_meta.h). Hidden from --help: a tool for maintainers, run after a spec changes:
//   growthlens api-docs --write docs/API.md

#include <fmt/format.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include "app/api_meta.h"
#include "cli/command.h"
#include "io/atomic_file.h"

namespace growthlens::cli {

namespace {

struct ApiDocsArgs {
  std::string write;  // the docs/API.md to update in place
  std::string check;  // the docs/API.md to compare
};

Status RunApiDocs(const ApiDocsArgs& args, CommandOutcome& outcome) {
  const std::string& path = args.write.empty() ? args.check : args.write;
  if (path.empty()) {
    PrintOut(outcome, app::ApiReferenceMarkdown());
    return Status::Ok();
  }
  std::ifstream file(path, std::ios::binary);
  if (!file) return Status(ErrorCode::kIoError, fmt::format("{}: cannot be read", path));
  const Result<std::string> document =
      std::string(std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>());
  Result<std::string> updated = app::WithApiReference(*document);
  if (!updated.ok())
    return Status(updated.status().code(), path + ": " + updated.status().message());
  if (!args.check.empty()) {
    if (*updated != *document)
      return Status(ErrorCode::kDataError,
                    fmt::format("{} is out of date with the parameter specs; run growthlens "
                                "api-docs --write {}",
                                path, path));
    return Status::Ok();
  }
  return WriteFileAtomically(path, *updated);
}

}  // namespace

void RegisterApiDocsCommand(CLI::App& app, CommandOutcome& outcome) {
  auto args = std::make_shared<ApiDocsArgs>();
  CLI::App* command = app.add_subcommand(
      "api-docs",
      "The analyses' parameters as Markdown, as docs/API.md shows them (generated from the "
      "specs GET /api/v1/meta serves)");
  command->group("");  // hidden: for maintainers
  CLI::Option* write =
      command->add_option("--write", args->write, "Replace the generated section of this file");
  CLI::Option* check = command->add_option(
      "--check", args->check, "Fail (exit 6) when this file's generated section is out of date");
  write->excludes(check);
  command->callback([args, &outcome] {
    const Status status = RunApiDocs(*args, outcome);
    if (!status.ok()) ReportFailure("api-docs", status, outcome);
  });
}

}  // namespace growthlens::cli
