#include "cli/date_window.h"

#include "app/date_params.h"

namespace growthlens::cli {

namespace {

/// The day of a --from / --to option, checked by the same spec the analyses' options use.
Result<std::optional<Day>> ParseWindowDay(const app::ParamSpec& spec, const std::string& text) {
  GROWTHLENS_RETURN_IF_ERROR(app::CheckValue(spec, text, app::Naming::kCli));
  std::optional<Day> day;
  app::AssignChecked(text, day);
  return day;
}

}  // namespace

void AddDateWindowOptions(CLI::App& command, DateWindowArgs& args) {
  for (const auto& [spec, text] :
       {std::pair{app::FromParamSpec(), &args.from}, std::pair{app::ToParamSpec(), &args.to}})
    command.add_option("--" + spec.name, *text, spec.help)->option_text(spec.value_text);
}

Result<app::DateWindow> ParseDateWindow(const DateWindowArgs& args) {
  Result<std::optional<Day>> from = ParseWindowDay(app::FromParamSpec(), args.from);
  if (!from.ok()) return from.status();
  Result<std::optional<Day>> to = ParseWindowDay(app::ToParamSpec(), args.to);
  if (!to.ok()) return to.status();
  return app::CheckedWindow(*from, *to, app::Naming::kCli);
}

}  // namespace growthlens::cli
