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
/// The report without the section on the Dataset built (for data cleaned and sent on in chunks,
/// never held whole): the JSON has no "dataset", the table no summary.
nlohmann::json CleaningReportJsonWithoutData(const CleaningReport& report);
std::string CleaningReportTableWithoutData(const CleaningReport& report);
/// One line per reason: stage,reason,enabled,rows,share,first_line,column,value,message.
std::string CleaningReportCsv(const CleaningReport& report);

}  // namespace growthlens::app
