// What users save in the workspace (store/saved_items.h): dashboard views and experiment
// analyses, listed, saved, re-opened and deleted through /api/v1/saved/KIND. Saving needs a
// workspace (the server answers 409 without one) and, as every write, passes the request guard
// (access key, origin, CSRF token); bodies are JSON objects, bounded per kind.

#include <fmt/format.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

#include "app/json_text.h"
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
  // Persona models are saved by `growthlens train`, not over HTTP.
  if (!kind || *kind == store::SavedKind::kPersonaModel)
    return MakeError(404, fmt::format("no saved items of kind '{}'; the kinds are view and "
                                      "experiment",
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

/// The body, read up to `max_bytes` (413 past it), as a JSON object (400 otherwise).
Reply<std::string> ReadJsonBody(const httplib::Request& request,
                                const httplib::ContentReader& reader, uint64_t max_bytes) {
  if (request.is_multipart_form_data())
    return MakeError(400, "parameter 'body': send the item as a JSON body, not a form", "body");
  std::string body;
  bool too_large = false;
  const bool read = reader([&body, &too_large, max_bytes](const char* data, size_t length) {
    if (body.size() + length > max_bytes) {
      too_large = true;
      return false;
    }
    body.append(data, length);
    return true;
  });
  if (too_large)
    return MakeError(413,
                     fmt::format("parameter 'body': larger than the {} KiB a saved item of "
                                 "this kind may take",
                                 max_bytes >> 10),
                     "body");
  if (!read) return MakeError(400, "parameter 'body': the connection broke while sending", "body");
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
  http.Get(R"(/api/v1/saved/([a-z_]+))",
           [this](const httplib::Request& request, httplib::Response& response) {
             Reply<SavedTarget> target = OpenSavedTarget(request, /*named=*/false);
             if (const ApiError* error = std::get_if<ApiError>(&target))
               return SendError(response, *error);
             SavedTarget& saved = std::get<SavedTarget>(target);
             Result<std::vector<store::SavedItem>> items = saved.workspace.ListSaved(saved.kind);
             if (!items.ok()) return SendStatusError(response, items.status());
             nlohmann::ordered_json body;
             body["kind"] = store::SavedKindName(saved.kind);
             body["items"] = nlohmann::ordered_json::array();
             for (const store::SavedItem& item : *items)
               body["items"].push_back(ItemJson(saved.kind, item));
             SendJson(response, 200, app::JsonText(body) + "\n");
           });

  http.Get(R"(/api/v1/saved/([a-z_]+)/item)",
           [this](const httplib::Request& request, httplib::Response& response) {
             Reply<SavedTarget> target = OpenSavedTarget(request, /*named=*/true);
             if (const ApiError* error = std::get_if<ApiError>(&target))
               return SendError(response, *error);
             SavedTarget& saved = std::get<SavedTarget>(target);
             Result<std::optional<store::SavedItem>> found =
                 saved.workspace.FindSaved(saved.kind, saved.name);
             if (!found.ok()) return SendStatusError(response, found.status());
             if (!found->has_value()) return SendError(response, NotSaved(saved.kind, saved.name));
             nlohmann::ordered_json body = ItemJson(saved.kind, **found);
             body["item"] = nlohmann::ordered_json::parse((*found)->body);
             SendJson(response, 200, app::JsonText(body) + "\n");
           });

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
              Reply<std::string> body = ReadJsonBody(request, reader, MaxSavedBytes(saved.kind));
              if (const ApiError* error = std::get_if<ApiError>(&body)) return refuse(*error);
              // Answered once the item is committed.
              Result<store::SavedItem> stored =
                  saved.workspace.Save(saved.kind, saved.name, std::get<std::string>(body));
              if (!stored.ok()) return SendStatusError(response, stored.status());
              SendJson(response, 200, app::JsonText(ItemJson(saved.kind, *stored)) + "\n");
            });

  http.Delete(R"(/api/v1/saved/([a-z_]+)/item)",
              [this](const httplib::Request& request, httplib::Response& response) {
                Reply<SavedTarget> target = OpenSavedTarget(request, /*named=*/true);
                if (const ApiError* error = std::get_if<ApiError>(&target))
                  return SendError(response, *error);
                SavedTarget& saved = std::get<SavedTarget>(target);
                Result<bool> deleted = saved.workspace.DeleteSaved(saved.kind, saved.name);
                if (!deleted.ok()) return SendStatusError(response, deleted.status());
                if (!*deleted) return SendError(response, NotSaved(saved.kind, saved.name));
                nlohmann::ordered_json body;
                body["deleted"] = saved.name;
                SendJson(response, 200, app::JsonText(body) + "\n");
              });
}

}  // namespace growthlens::server
