#pragma once
// JsonText lives in the application layer (app/json_text.h); this alias stays only for
// server/api_server.cc, whose calls move to app::JsonText with the server rewrite.

#include "app/json_text.h"

namespace growthlens::cli {

using app::JsonText;

}  // namespace growthlens::cli
