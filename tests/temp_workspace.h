#pragma once
// A fixture for tests of workspaces from the command line: a fresh directory per test (named
// after the suite and the test, removed afterwards) with the path of a workspace file in it.

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

namespace growthlens::testing {

class TempWorkspaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const ::testing::TestInfo* test = ::testing::UnitTest::GetInstance()->current_test_info();
    directory_ = std::filesystem::temp_directory_path() /
                 ("growthlens_" + std::string(test->test_suite_name()) + "_" +
                  std::to_string(::getpid()) + "_" + test->name());
    std::filesystem::remove_all(directory_);
    std::filesystem::create_directories(directory_);
    workspace_ = (directory_ / "ws.glw").string();
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  /// Writes `text` to `name` in the directory; returns its path.
  std::string Write(const std::string& name, const std::string& text) const {
    const std::string path = (directory_ / name).string();
    std::ofstream(path) << text;
    return path;
  }
  static std::string Read(const std::string& path) {
    std::ifstream file(path);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
  }

  std::filesystem::path directory_;
  std::string workspace_;
};

}  // namespace growthlens::testing
