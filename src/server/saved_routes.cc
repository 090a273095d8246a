// What users save in the workspace (store/saved_items.h): dashboard views, experiment analyses
// and persona models, listed, re-opened and deleted through /api/v1/saved/KIND; views and
// analyses are also saved here, persona models by `growthlens segment --save-model` (they are
// fitted on all of a kind's data, which a request does not refit). A saved persona model places
// the held users in its personas (GET /api/v1/saved/persona_model/apply). Saving needs a
// workspace (the server answers 409 without one) and, as every write, passes the request guard
// (access key, origin, CSRF token); bodies are JSON objects, bounded per kind.

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>

#include "app/json_text.h"
#include "app/persona_placement.h"
#include "app/saved_persona_model.h"
#include "app/table_view.h"
#include "server/api_responses.h"
#include "server/api_server.h"
#include "server/query_params.h"
#include "store/saved_items.h"
#include "store/workspace.h"

namespace growthlens::server {

namespace {

/// A view is a page and its filters; an experiment analysis is a report of a few tables.
uint64_t MaxSavedBytes(store::SavedKind kind) {
  return kind == store::SavedKind::kView ? uint64_t{64} << 10 : uint64_t{4} << 20;
}

Reply<store::SavedKind> SavedKindOf(const std::string& name) {
  const std::optional<store::SavedKind> kind = store::SavedKindFromName(name);
  if (!kind)
    return MakeError(404, fmt::format("no saved items of kind '{}'; the kinds are view, "
                                      "experiment, persona_model and churn_model",
                                      name));
  return *kind;
}

Reply<std::string> NameOf(QueryParams& params) {
  std::optional<std::string> name = TakeParam(params, "name");
  if (!name || !store::IsSavedName(*name))
    return MakeError(400,
                     fmt::format("parameter 'name': the item's name, 1 to {} characters without "
                                 "control characters",
                                 store::kMaxSavedName),
                     "name");
  return std::move(*name);
}

nlohmann::ordered_json ItemJson(store::SavedKind kind, const store::SavedItem& item) {
  nlohmann::ordered_json json;
  json["kind"] = store::SavedKindName(kind);
  json["name"] = item.name;
  json["saved_at"] = item.saved_at;
  json["bytes"] = item.bytes;
  return json;
}

/// The items of a list: persona models say what they were fitted on.
Result<nlohmann::ordered_json> ItemsJson(SavedTarget& saved) {
  nlohmann::ordered_json items = nlohmann::ordered_json::array();
  if (saved.kind == store::SavedKind::kPersonaModel) {
    Result<std::vector<app::PersonaModelSummary>> models = app::ListPersonaModels(saved.workspace);
    if (!models.ok()) return models.status();
    for (const app::PersonaModelSummary& model : *models) {
      nlohmann::ordered_json item = {{"kind", store::SavedKindName(saved.kind)}};
      item.update(app::PersonaModelSummaryJson(model));
      items.push_back(std::move(item));
    }
    return items;
  }
  Result<std::vector<store::SavedItem>> listed = saved.workspace.ListSaved(saved.kind);
  if (!listed.ok()) return listed.status();
  for (const store::SavedItem& item : *listed) items.push_back(ItemJson(saved.kind, item));
  return items;
}

/// The body, read up to `max_bytes` (413 past it), as a JSON object (400 otherwise).
Reply<std::string> ReadJsonBody(const httplib::Request& request,
                                const httplib::ContentReader& reader, uint64_t max_bytes) {
  if (request.is_multipart_form_data())
    return MakeError(400, "parameter 'body': send the item as a JSON body, not a form", "body");
  Reply<std::string> received = ReceiveBody(
      request, reader, max_bytes,
      fmt::format("parameter 'body': larger than the {} KiB a saved item of this kind may take",
                  max_bytes >> 10),
      "body");
  if (std::holds_alternative<ApiError>(received)) return received;
  const std::string& body = std::get<std::string>(received);
  const nlohmann::json parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object())
    return MakeError(400, "parameter 'body': expected a JSON object", "body");
  return body;
}

ApiError NotSaved(store::SavedKind kind, const std::string& name) {
  return MakeError(
      404,
      fmt::format("parameter 'name': no saved {} named '{}'", store::SavedKindName(kind), name),
      "name");
}

}  // namespace

Reply<SavedTarget> ApiServer::OpenSavedTarget(const httplib::Request& request, bool named) const {
  Reply<store::SavedKind> kind = SavedKindOf(request.matches[1]);
  if (const ApiError* error = std::get_if<ApiError>(&kind)) return *error;
  QueryParams params = ParseQuery(request.target);
  std::string name;
  if (named) {
    Reply<std::string> given = NameOf(params);
    if (const ApiError* error = std::get_if<ApiError>(&given)) return *error;
    name = std::move(std::get<std::string>(given));
  }
  if (const Status leftover = RefuseLeftovers(params, "saved"); !leftover.ok())
    return ErrorFromStatus(leftover);
  if (settings_.load.workspace.empty())
    return MakeError(409,
                     "nothing can be saved: this server keeps no workspace (start it with one "
                     "to save views and analyses)");
  Result<store::Workspace> workspace =
      store::Workspace::Open(settings_.load.workspace, store::OpenMode::kCreate);
  if (!workspace.ok()) return ErrorFromStatus(workspace.status());
  return SavedTarget{std::get<store::SavedKind>(kind), std::move(name),
                     std::move(workspace).value()};
}

void ApiServer::AddSavedRoutes() {
  HttpServer& http = *http_;
  // A route of the saved items of one kind: `handle` gets the request's target (its ?name= when
  // `named`) with the workspace opened, or the request is answered with why not.
  const auto on_target = [this](bool named, auto handle) {
    return [this, named, handle](const httplib::Request& request, httplib::Response& response) {
      Reply<SavedTarget> target = OpenSavedTarget(request, named);
      if (const ApiError* error = std::get_if<ApiError>(&target))
        return SendError(response, *error);
      handle(std::get<SavedTarget>(target), response);
    };
  };

  http.Get(R"(/api/v1/saved/([a-z_]+))",
           on_target(false, [](SavedTarget& saved, httplib::Response& response) {
             Result<nlohmann::ordered_json> items = ItemsJson(saved);
             if (!items.ok()) return SendStatusError(response, items.status());
             nlohmann::ordered_json body;
             body["kind"] = store::SavedKindName(saved.kind);
             body["items"] = std::move(items).value();
             SendJson(response, 200, app::JsonText(body) + "\n");
           }));

  http.Get(R"(/api/v1/saved/([a-z_]+)/item)",
           on_target(true, [](SavedTarget& saved, httplib::Response& response) {
             Result<std::optional<store::SavedItem>> found =
                 saved.workspace.FindSaved(saved.kind, saved.name);
             if (!found.ok()) return SendStatusError(response, found.status());
             if (!found->has_value()) return SendError(response, NotSaved(saved.kind, saved.name));
             nlohmann::ordered_json body = ItemJson(saved.kind, **found);
             body["item"] = nlohmann::ordered_json::parse((*found)->body);
             SendJson(response, 200, app::JsonText(body) + "\n");
           }));

  http.Delete(R"(/api/v1/saved/([a-z_]+)/item)",
              on_target(true, [](SavedTarget& saved, httplib::Response& response) {
                Result<bool> deleted = saved.workspace.DeleteSaved(saved.kind, saved.name);
                if (!deleted.ok()) return SendStatusError(response, deleted.status());
                if (!*deleted) return SendError(response, NotSaved(saved.kind, saved.name));
                nlohmann::ordered_json body;
                body["deleted"] = saved.name;
                SendJson(response, 200, app::JsonText(body) + "\n");
              }));

  http.Post(R"(/api/v1/saved/([a-z_]+))",
            [this](const httplib::Request& request, httplib::Response& response,
                   const httplib::ContentReader& reader) {
              const auto refuse = [this, &request, &response](const ApiError& error) {
                http_->CloseAfterResponse(request);  // the body was not read
                SendError(response, error);
              };
              Reply<SavedTarget> target = OpenSavedTarget(request, /*named=*/true);
              if (const ApiError* error = std::get_if<ApiError>(&target)) return refuse(*error);
              SavedTarget& saved = std::get<SavedTarget>(target);
              if (saved.kind == store::SavedKind::kPersonaModel)
                return refuse(MakeError(
                    405,
                    "persona models are fitted on all of a kind's data and saved by growthlens "
                    "segment --workspace W --save-model NAME; here they are listed, read, applied "
                    "and deleted"));
              if (saved.kind == store::SavedKind::kChurnModel)
                return refuse(MakeError(405,
                                        "churn models are trained and saved by growthlens churn "
                                        "train --workspace W --save-model NAME; here they are "
                                        "listed, read and deleted"));
              Reply<std::string> body = ReadJsonBody(request, reader, MaxSavedBytes(saved.kind));
              if (const ApiError* error = std::get_if<ApiError>(&body)) return refuse(*error);
              // Answered once the item is committed.
              Result<store::SavedItem> stored =
                  saved.workspace.Save(saved.kind, saved.name, std::get<std::string>(body));
              if (!stored.ok()) return SendStatusError(response, stored.status());
              SendJson(response, 200, app::JsonText(ItemJson(saved.kind, *stored)) + "\n");
            });

  // The held users placed in a saved model's personas, without refitting it.
  http.Get("/api/v1/saved/persona_model/apply", [this](const httplib::Request& request,
                                                       httplib::Response& response) {
    QueryParams params = ParseQuery(request.target);
    Reply<std::string> name = NameOf(params);
    if (const ApiError* error = std::get_if<ApiError>(&name)) return SendError(response, *error);
    const std::optional<std::string> asked = TakeParam(params, "dataset");
    if (const Status leftover = RefuseLeftovers(params, "saved/persona_model/apply");
        !leftover.ok())
      return SendStatusError(response, leftover);
    if (settings_.load.workspace.empty())
      return SendError(response, MakeError(409,
                                           "this server keeps no workspace, so it has no "
                                           "saved persona models"));
    Result<app::SegmentModel> model =
        app::LoadPersonaModel(settings_.load.workspace, std::get<std::string>(name));
    if (!model.ok()) {
      ApiError error = ErrorFromStatus(model.status());
      if (model.status().code() == ErrorCode::kInvalidArgument) {
        error.http_status = 404;
        error.parameter = "name";
      }
      return SendError(response, error);
    }
    const std::shared_ptr<const Holdings> holdings = shelf_.Snapshot();
    // Without dataset=, the model's own kind of data: its family's default.
    const app::DataNeed need =
        IsUsageKind(model->kind) ? app::DataNeed::kUsage : app::DataNeed::kTransactions;
    Reply<HeldPtr> picked = PickHeldDataset(*holdings, need, asked);
    if (const ApiError* error = std::get_if<ApiError>(&picked)) return SendError(response, *error);
    const HeldPtr held = std::get<HeldPtr>(picked);
    auto shared = std::make_shared<const app::SegmentModel>(std::move(model).value());
    Reply<Result<std::string>> computed =
        ComputeWork(request, [&held, &shared, &name](std::stop_token) -> Result<std::string> {
          Result<app::PersonaPlacement> placed =
              app::PlaceInPersonas(held->data->dataset, *shared, std::nullopt, 0, held->source);
          if (!placed.ok()) return placed.status();
          const size_t users = placed->labels.size();
          app::JsonDocument json;
          json.Set("model", std::get<std::string>(name));
          json.Set("dataset", DataKindName(held->kind()));
          json.Set("source", held->source);
          json.Set("users", users);
          json.SetRows("personas",
                       app::PersonaCountsView(
                           std::make_shared<const app::PersonaPlacement>(std::move(placed).value()),
                           shared));
          return json.Render();
        });
    if (const ApiError* error = std::get_if<ApiError>(&computed))
      return SendError(response, *error);
    Result<std::string>& result = std::get<Result<std::string>>(computed);
    if (!result.ok()) return SendStatusError(response, result.status());
    SendJson(response, 200, std::move(result).value());
  });
}

}  // namespace growthlens::server
