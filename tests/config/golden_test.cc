// Golden tests for validation messages: each folder under golden/ is a small
// (mostly broken) project; expected.txt is the exact `tributary validate`
// diagnostics text. Set TRIBUTARY_UPDATE_GOLDEN=1 to rewrite expected files,
// then review the diff: every message must tell a data engineer what is wrong
// and what to do.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/loader.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;

fs::path GoldenDir() { return fs::path(TRIBUTARY_SOURCE_DIR) / "tests" / "config" / "golden"; }

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class GoldenTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GoldenTest, DiagnosticsMatchExpected) {
  fs::path dir = GoldenDir() / GetParam();
  // Absolute paths in messages are machine-specific: show them as <project>.
  std::string actual = LoadProject(dir).diagnostics.RenderText();
  for (size_t at; (at = actual.find(dir.string())) != std::string::npos;) {
    actual.replace(at, dir.string().size(), "<project>");
  }
  fs::path expected_file = dir / "expected.txt";
  const char* update = std::getenv("TRIBUTARY_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(expected_file, std::ios::binary) << actual;
    return;
  }
  ASSERT_TRUE(fs::exists(expected_file))
      << "missing " << expected_file << " (run with TRIBUTARY_UPDATE_GOLDEN=1 and review it)";
  EXPECT_EQ(actual, ReadFile(expected_file)) << "golden case " << GetParam();
}

std::vector<std::string> Cases() {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(GoldenDir())) {
    if (entry.is_directory()) names.push_back(entry.path().filename().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

INSTANTIATE_TEST_SUITE_P(Config, GoldenTest, ::testing::ValuesIn(Cases()),
                         [](const auto& param_info) { return param_info.param; });

TEST(GoldenCasesTest, CoverTheValidAndManyBrokenProjects) {
  auto cases = Cases();
  EXPECT_GE(cases.size(), 12u);
  EXPECT_TRUE(LoadProject(GoldenDir() / "valid").diagnostics.empty());
  for (const auto& c : cases) {
    if (c == "valid") continue;
    EXPECT_TRUE(LoadProject(GoldenDir() / c).diagnostics.HasErrors()) << c << " reports no error";
  }
}

}  // namespace
}  // namespace tributary
