#pragma once
// JsonText lives in the application layer (app/json_text.h).

#include "app/json_text.h"

namespace growthlens::cli {

using app::JsonText;

}  // namespace growthlens::cli
