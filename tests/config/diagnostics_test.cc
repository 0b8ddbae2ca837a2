// Rendering diagnostics: the JSON report must print whatever bytes a message
// quotes (a file name need not be UTF-8), where nlohmann::json would throw.
#include "config/diagnostics.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace tributary {
namespace {

TEST(DiagnosticsTest, JsonReplacesBytesThatAreNotUtf8) {
  Diagnostics diagnostics;
  diagnostics.Error({"ingest/full/caf\xE9.yml", 2, 3}, "unknown key 'x\xFF'", "hint");
  std::string json;
  ASSERT_NO_THROW(json = diagnostics.RenderJson());
  auto parsed = nlohmann::json::parse(json);
  ASSERT_EQ(parsed.size(), 1u);
  EXPECT_EQ(parsed[0]["file"], "ingest/full/caf\xEF\xBF\xBD.yml");  // U+FFFD
  EXPECT_EQ(parsed[0]["message"], "unknown key 'x\xEF\xBF\xBD'");
  EXPECT_EQ(parsed[0]["line"], 2);
}

TEST(DiagnosticsTest, TextKeepsTheBytesAsGiven) {
  Diagnostics diagnostics;
  diagnostics.Warning({"tributary.yml", 0, 0}, "m\xE9", "");
  EXPECT_EQ(diagnostics.RenderText(), "tributary.yml: warning: m\xE9\n");
}

}  // namespace
}  // namespace tributary
