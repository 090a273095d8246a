#pragma once
// How the API answers: JSON bodies sent without copies, errors as {"error", "parameter"}, and the
// held files described as GET /api/v1/status lists them.

#include <httplib.h>
#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>

#include "core/status.h"
#include "server/api_error.h"
#include "server/held_data.h"

namespace growthlens::server {

/// The content type of every JSON answer.
inline constexpr std::string_view kJsonContentType = "application/json";

void SendJson(httplib::Response& response, int status, std::string body);
/// The error's status and JSON body; a 503 also says when to retry (Retry-After).
void SendError(httplib::Response& response, const ApiError& error);
void SendStatusError(httplib::Response& response, const Status& status);

/// The held file's name in place of where it is stored: messages and outputs should name what
/// the user loaded, not the server's paths.
std::string NameSources(std::string text, const std::string& path, const std::string& name);

/// A kind of dataset in words: "usage log", "event log", "transactions file".
std::string DatasetWords(DataKind kind);

/// One element of GET /api/v1/status' "datasets".
nlohmann::ordered_json DatasetJson(const HeldDataset& held);

struct WorkspaceIngest;  // data_loader.h
/// An upload stored in the workspace: the "ingest" object of POST /api/v1/upload's answer.
nlohmann::ordered_json WorkspaceIngestJson(const WorkspaceIngest& ingest);

}  // namespace growthlens::server
