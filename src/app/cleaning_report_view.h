#pragma once
// Views of the cleaning report and of a loaded Dataset: terminal tables, JSON and CSV. The
// JSON shape is the one the API will serve.

#include <nlohmann/json_fwd.hpp>

#include <string>

#include "core/dataset.h"
#include "prep/cleaning_report.h"

namespace growthlens::app {

nlohmann::json CleaningReportJson(const CleaningReport& report, const Dataset& dataset);
std::string CleaningReportTable(const CleaningReport& report, const Dataset& dataset);
/// One line per reason: stage,reason,enabled,rows,share,first_line,column,value,message.
std::string CleaningReportCsv(const CleaningReport& report);

}  // namespace growthlens::app
