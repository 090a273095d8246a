// JSON output never ends the program on bytes that are not UTF-8 (a label or a file path from the
// command line or a request): nlohmann/json throws on them by default. Found by libFuzzer in
// the per-user experiment report.
#include "app/json_text.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace growthlens::app {
namespace {

TEST(JsonText, BytesThatAreNotUtf8BecomeReplacementCharacters) {
  nlohmann::ordered_json value = nlohmann::ordered_json::object();
  value["name"] = std::string("a\xff\x06z");
  ASSERT_THROW((void)value.dump(), nlohmann::json::type_error);  // why JsonText exists
  EXPECT_EQ(JsonText(value), "{\"name\":\"a\xef\xbf\xbd\\u0006z\"}");
  EXPECT_EQ(JsonText(value, 1), "{\n \"name\": \"a\xef\xbf\xbd\\u0006z\"\n}");
}

TEST(JsonText, ValidTextIsUnchanged) {
  const nlohmann::json value = {{"city", "K\xc3\xb6ln"}, {"n", 3}};
  EXPECT_EQ(JsonText(value), value.dump());
}

}  // namespace
}  // namespace growthlens::app
