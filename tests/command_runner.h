#pragma once
// Runs the built growthlens binary with arguments and captures stdout, stderr and the exit code.

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

namespace growthlens::testing {

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline CommandResult RunCommand(const std::string& arguments) {
  CommandResult result;
  const std::filesystem::path err_path =
      std::filesystem::temp_directory_path() /
      ("growthlens_stderr_" + std::to_string(::getpid()) + ".txt");
  const std::string command =
      std::string(GROWTHLENS_BINARY) + " " + arguments + " 2>" + err_path.string();
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[1 << 16];
  size_t read = 0;
  while ((read = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) result.out.append(buffer, read);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  std::ifstream err(err_path);
  result.err.assign(std::istreambuf_iterator<char>(err), {});
  std::filesystem::remove(err_path);
  return result;
}

}  // namespace growthlens::testing
