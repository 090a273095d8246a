// libFuzzer target: the API's handling of untrusted query strings (issue 14, "HTTP parameter
// parsing"). The input is a request target ("/api/v1/segment?k=3&n-init=..."): it is split and
// percent-decoded (ParseQuery), read by the typed helpers (IntParam, RefuseLeftovers), and
// handed to the analysis command its route names as `RunCommandCall` does for a route, through the
// commands' own CLI11 options and their bounds. The commands' FILE does not exist, so that every
// accepted option set ends at "cannot be read" instead of running an analysis (experiment plan,
// which reads no file, runs: it is arithmetic).
//
// Build (fuzz/CMakeLists.txt, clang): an executable of this file linked to growthlens_server,
// compiled and linked with -fsanitize=fuzzer,address,undefined; seeds in
// fuzz/corpus/http_params_fuzz/.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "server/command_call.h"
#include "server/query_params.h"

namespace {

const std::vector<std::vector<std::string>>& Commands() {
  static const std::vector<std::vector<std::string>> commands = {
      {"kpis"},
      {"usage"},
      {"rfm"},
      {"segment"},
      {"cohorts"},
      {"lifecycle"},
      {"revenue"},
      {"insights"},
      {"experiment", "plan"},
      {"experiment", "simulate"},
  };
  return commands;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace growthlens::server;
  const std::string target(reinterpret_cast<const char*>(data), size);
  const QueryParams params = ParseQuery(target);

  QueryParams demo = params;
  (void)IntParam(demo, "users", 5000, 10, 2'000'000);
  (void)IntParam(demo, "seed", 42, 0, 1L << 40);
  (void)TakeParam(demo, "dataset");
  (void)RefuseLeftovers(demo, "demo");

  // One command per input: the one the route names ("/api/v1/experiment/plan?..."), else one
  // picked by the input's length. Each call builds the whole CLI (~40 ms under ASan), and all
  // ten per input held the fuzzer to one or two inputs a second.
  const std::string path = target.substr(0, target.find('?'));
  const std::vector<std::vector<std::string>>& commands = Commands();
  const std::vector<std::string>* chosen = &commands[size % commands.size()];
  for (const std::vector<std::string>& command : commands) {
    std::string route = "/api/v1";
    for (const std::string& word : command) route += "/" + word;
    if (path == route) chosen = &command;
  }
  CommandCall call;
  call.command = *chosen;
  call.params = params;
  call.input = "/nonexistent/growthlens-fuzz.csv";
  (void)RunCommandCall(call);
  return 0;
}
