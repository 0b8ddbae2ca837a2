// What YamlReader::Load refuses before (or instead of) yaml-cpp: files that
// are not UTF-8, quotes left open, nesting past the parser's limit, a folder
// where a file should be. Each is reported at the place to fix.
#include "config/yaml_reader.h"

#include <gtest/gtest.h>

#include <fstream>

#include "support/temp_dir.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;

class YamlReaderTest : public ::testing::Test {
 protected:
  // Loads `text` as a file shown as "f.yml"; returns whether it parsed.
  bool Load(const std::string& text) {
    std::ofstream(dir_ / "f.yml", std::ios::binary) << text;
    YamlReader yaml(dir_ / "f.yml", "f.yml", diagnostics_);
    return yaml.Load().has_value();
  }
  // The one diagnostic, as "line:column: message".
  std::string Only() const {
    auto all = diagnostics_.Sorted();
    if (all.size() != 1) return "expected one diagnostic, got:\n" + diagnostics_.RenderText();
    const Diagnostic& d = all[0];
    EXPECT_EQ(d.where.file, "f.yml");
    EXPECT_EQ(d.severity, Severity::kError);
    return std::to_string(d.where.line) + ":" + std::to_string(d.where.column) + ": " + d.message;
  }

  testing::TempDir dir_;
  Diagnostics diagnostics_;
};

TEST_F(YamlReaderTest, ValidFilesLoadWithoutDiagnostics) {
  EXPECT_TRUE(Load("a: \"it's \\\"quoted\\\"\"\nb: 'it''s'\nc: caf\xC3\xA9 \xE2\x82\xAC\n"));
  EXPECT_TRUE(
      Load("\xEF\xBB\xBF"
           "a: \"x\"\n"));  // a UTF-8 byte order mark
  EXPECT_TRUE(Load("a: !!str \"tagged\"\nb: &anchor 'x'\nc: *anchor\nd: |\n  block \"\n"));
  EXPECT_TRUE(diagnostics_.empty()) << diagnostics_.RenderText();
}

TEST_F(YamlReaderTest, AnUnclosedDoubleQuoteIsReportedAtTheOpeningQuote) {
  EXPECT_FALSE(Load("project: shop\nsink:\n  kind: \"duckdb\n  path: lake.duckdb\n"));
  EXPECT_EQ(Only(), "3:9: this quoted value has no closing \": it runs to the end of the file");
}

TEST_F(YamlReaderTest, AnUnclosedSingleQuoteIsFoundPastEscapesAndCharacters) {
  // '' is an escaped quote, not the end; the column counts characters.
  EXPECT_FALSE(Load("a: 'ok'\nb: [\xC3\xA9t\xC3\xA9, x]\nc: \xC3\xA9 \nd: 'it''s\n\ne: 1\n"));
  EXPECT_EQ(Only(), "4:4: this quoted value has no closing ': it runs to the end of the file");
}

TEST_F(YamlReaderTest, AnUnclosedQuoteAfterATagOrAtTheStartIsFound) {
  EXPECT_FALSE(Load("a: !!str \"x\n"));
  EXPECT_EQ(Only(), "1:10: this quoted value has no closing \": it runs to the end of the file");
}

TEST_F(YamlReaderTest, ALatin1ByteIsReportedAtItsLineAndCharacter) {
  EXPECT_FALSE(Load("project: shop\n# caf\xC3\xA9 ok\nname: Z\xC3\xBCrich caf\xE9\n"));
  EXPECT_EQ(Only(), "3:17: the file is not valid UTF-8: byte 0xE9 (Latin-1 for '\xC3\xA9') here");
  EXPECT_EQ(diagnostics_.Sorted()[0].hint,
            "save the file as UTF-8: tributary reads every config file as UTF-8");
}

TEST_F(YamlReaderTest, BrokenUtf8SequencesAreErrors) {
  for (std::string bad : {"\xC3", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xFF"}) {
    Diagnostics diagnostics;
    std::ofstream(dir_ / "g.yml", std::ios::binary) << "a: x" + bad + "\n";
    EXPECT_FALSE(YamlReader(dir_ / "g.yml", "g.yml", diagnostics).Load());
    ASSERT_EQ(diagnostics.ErrorCount(), 1u);
    EXPECT_EQ(diagnostics.Sorted()[0].where.line, 1);
    EXPECT_EQ(diagnostics.Sorted()[0].where.column, 5);
  }
}

TEST_F(YamlReaderTest, NestingPastTheParsersLimitSaysSoAndWhere) {
  // Brackets: at the 100th, not where yaml-cpp noticed (the end of the file).
  EXPECT_FALSE(Load("a: 1\nb: " + std::string(3000, '[') + "\n"));
  EXPECT_EQ(Only(),
            "2:103: lists and mappings nested too deeply: the YAML parser (yaml-cpp) stops at "
            "500 levels");
}

TEST_F(YamlReaderTest, NestingByIndentationIsReportedWhereTheParserStops) {
  std::string text = "a: 1\n";
  for (int i = 0; i < 1200; ++i) text += std::string(static_cast<size_t>(i), ' ') + "k:\n";
  EXPECT_FALSE(Load(text));
  std::string only = Only();
  EXPECT_EQ(only.substr(0, only.find(':', 4)), "500:501") << only;
}

TEST_F(YamlReaderTest, AFolderWhereTheFileShouldBeIsNamed) {
  fs::create_directory(dir_ / "f.yml");
  YamlReader yaml(dir_ / "f.yml", "f.yml", diagnostics_);
  EXPECT_FALSE(yaml.Load());
  EXPECT_EQ(Only(), "0:0: f.yml is a folder, not a file");
}

TEST_F(YamlReaderTest, AnEmptyValueIsReportedAtItsKey) {
  ASSERT_TRUE(Load("a:\n  name:\n  other: 1\n"));
  YamlReader yaml(dir_ / "f.yml", "f.yml", diagnostics_);
  auto root = yaml.Load();
  ASSERT_TRUE(root);
  EXPECT_FALSE(yaml.String((*root)["a"], "name"));
  EXPECT_EQ(Only(), "2:3: 'name' must be a non-empty string, found nothing");
}

}  // namespace
}  // namespace tributary
