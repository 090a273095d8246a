#include "io/atomic_file.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace growthlens {
namespace {

std::string ReadAll(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

class AtomicFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("growthlens_atomic_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(AtomicFileTest, CommitPublishesTheWholeContentAndCreatesDirectories) {
  const std::string path = (dir_ / "nested" / "report.json").string();
  ASSERT_TRUE(WriteFileAtomically(path, "{\"rows\": 1}\n").ok());
  EXPECT_EQ(ReadAll(path), "{\"rows\": 1}\n");
  ASSERT_TRUE(WriteFileAtomically(path, "second").ok());
  EXPECT_EQ(ReadAll(path), "second");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_ / "nested"), {}), 1);
}

TEST_F(AtomicFileTest, AnAbandonedWriteLeavesThePreviousFileAndNoTemporary) {
  const std::string path = (dir_ / "data.csv").string();
  ASSERT_TRUE(WriteFileAtomically(path, "old,complete\n").ok());
  {
    Result<AtomicFile> file = AtomicFile::Create(path);
    ASSERT_TRUE(file.ok());
    file->Write("new,half");
    // Destroyed without Commit(), as when an error stops the writer half way.
  }
  EXPECT_EQ(ReadAll(path), "old,complete\n");
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir_), {}), 1);
}

TEST_F(AtomicFileTest, UnwritableDirectoryIsAnIoErrorNamingThePath) {
  const Status status = WriteFileAtomically("/proc/growthlens/x.json", "x");
  EXPECT_EQ(status.code(), ErrorCode::kIoError);
  EXPECT_NE(status.message().find("/proc/growthlens/x.json"), std::string::npos)
      << status.message();
}

}  // namespace
}  // namespace growthlens
