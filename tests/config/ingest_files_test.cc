// How the ingest/ folder is walked: linked folders are followed, a link loop
// and a broken link are reported, never silently dropped.
#include <gtest/gtest.h>

#include <fstream>

#include "config/loader.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;

class IngestFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ofstream(dir_ / "tributary.yml")
        << "project: p\nsink: {kind: duckdb, path: x.duckdb}\nservers: {s: {kind: sqlite}}\n";
    fs::create_directories(dir_ / "ingest/full");
  }
  // Writes a one-table ingest file for `table` at `path`.
  static void WriteIngest(const fs::path& path, const std::string& table) {
    fs::create_directories(path.parent_path());
    std::ofstream(path) << "server: s\ndatabase: db.sqlite\nschemas:\n  - name: main\n"
                           "    tables:\n      - name: "
                        << table << "\n";
  }
  std::vector<std::string> Tables(const LoadResult& result) const {
    std::vector<std::string> out;
    for (const auto& t : result.project->tasks) out.push_back(t.where.file + " " + t.source_table);
    return out;
  }

  testing::TempDir dir_;
  testing::TempDir elsewhere_{"tributary-linked"};
};

TEST_F(IngestFilesTest, ALinkedFolderIsFollowedAndShownUnderItsLinkName) {
  WriteIngest(dir_ / "ingest/full/local/db.yml", "orders");
  WriteIngest(elsewhere_ / "shared/db.yml", "customers");
  fs::create_directory_symlink(elsewhere_ / "shared", dir_ / "ingest/full/shared");
  // A linked strategy folder, too: the folder's name, not its target's, is the strategy.
  WriteIngest(elsewhere_ / "other/s/db.yml", "payments");
  fs::create_directory_symlink(elsewhere_ / "other", dir_ / "ingest/incremental");
  auto result = LoadProject(dir_.path());
  ASSERT_TRUE(result.project);
  EXPECT_EQ(Tables(result), (std::vector<std::string>{"ingest/full/local/db.yml orders",
                                                      "ingest/full/shared/db.yml customers",
                                                      "ingest/incremental/s/db.yml payments"}));
  EXPECT_EQ(result.project->tasks[2].strategy, "incremental");
}

TEST_F(IngestFilesTest, ALinkedFileIsRead) {
  WriteIngest(elsewhere_ / "db.yml", "orders");
  fs::create_directories(dir_ / "ingest/full/s");
  fs::create_symlink(elsewhere_ / "db.yml", dir_ / "ingest/full/s/db.yml");
  auto result = LoadProject(dir_.path());
  EXPECT_EQ(Tables(result), (std::vector<std::string>{"ingest/full/s/db.yml orders"}));
}

TEST_F(IngestFilesTest, ALinkLoopIsReportedOnceAndTheRestStillLoads) {
  WriteIngest(dir_ / "ingest/full/s/db.yml", "orders");
  fs::create_directory_symlink(dir_ / "ingest/full", dir_ / "ingest/full/s/again");
  auto result = LoadProject(dir_.path());
  EXPECT_EQ(result.diagnostics.RenderText(),
            "ingest/full/s/again: error: folder link loop: this is ingest/full/ again\n"
            "  hint: remove the link, or point it at a folder that does not contain it\n");
  EXPECT_EQ(Tables(result), (std::vector<std::string>{"ingest/full/s/db.yml orders"}));
}

TEST_F(IngestFilesTest, ABrokenLinkIsAnError) {
  fs::create_directories(dir_ / "ingest/full/s");
  fs::create_symlink(dir_ / "nowhere.yml", dir_ / "ingest/full/s/db.yml");
  auto result = LoadProject(dir_.path());
  EXPECT_EQ(result.diagnostics.RenderText(),
            "ingest/full/s/db.yml: error: cannot follow the link: No such file or directory\n"
            "  hint: fix or remove the link\n");
}

// Found by tests/fuzz/config_fuzz: the missing list was looked up again to
// place a warning, and yaml-cpp threw.
TEST_F(IngestFilesTest, ASchemaWithoutTablesIsAnErrorNotAnException) {
  fs::create_directories(dir_ / "ingest/full/s");
  std::ofstream(dir_ / "ingest/full/s/db.yml")
      << "server: s\ndatabase: db.sqlite\nschemas:\n  - name: main\n    tabels:\n";
  auto result = LoadProject(dir_.path());
  EXPECT_EQ(result.diagnostics.ErrorCount(), 2u) << result.diagnostics.RenderText();
  EXPECT_NE(result.diagnostics.RenderText().find("missing the required key 'tables'"),
            std::string::npos)
      << result.diagnostics.RenderText();
}

TEST_F(IngestFilesTest, AProjectFileThatIsAFolderIsNamed) {
  fs::remove(dir_ / "tributary.yml");
  fs::create_directory(dir_ / "tributary.yml");
  auto result = LoadProject(dir_.path());
  ASSERT_TRUE(result.diagnostics.HasErrors());
  EXPECT_EQ(result.diagnostics.Sorted()[0].message, "tributary.yml is a folder, not a file");
  EXPECT_EQ(result.diagnostics.Sorted()[0].where.file, "tributary.yml");
}

}  // namespace
}  // namespace tributary

namespace tributary {
namespace {

TEST(LoadMetadataOptionTest, DefaultsOnOverriddenPerProjectAndTableAndCheckedAtItsLine) {
  testing::TempDir dir;
  std::ofstream(dir / "tributary.yml")
      << "project: p\nsink: {kind: duckdb, path: x.duckdb}\nservers: {s: {kind: sqlite}}\n"
         "defaults: {load_metadata: false}\n";
  fs::create_directories(dir / "ingest/full/s");
  std::ofstream(dir / "ingest/full/s/db.yml")
      << "server: s\ndatabase: db.sqlite\nschemas:\n  - name: main\n    tables:\n"
         "      - name: a\n      - name: b\n        load_metadata: true\n";
  auto result = LoadProject(dir.path());
  ASSERT_TRUE(result.project) << result.diagnostics.RenderText();
  EXPECT_FALSE(result.diagnostics.HasErrors()) << result.diagnostics.RenderText();
  EXPECT_FALSE(result.project->tasks[0].options.load_metadata);
  EXPECT_TRUE(result.project->tasks[1].options.load_metadata);

  std::ofstream(dir / "tributary.yml")
      << "project: p\nsink: {kind: duckdb, path: x.duckdb}\nservers: {s: {kind: sqlite}}\n";
  std::ofstream(dir / "ingest/full/s/db.yml")
      << "server: s\ndatabase: db.sqlite\nschemas:\n  - name: main\n    tables:\n"
         "      - name: a\n      - name: b\n        load_metadata: no\n";
  result = LoadProject(dir.path());
  EXPECT_TRUE(result.project->tasks[0].options.load_metadata);
  std::string text = result.diagnostics.RenderText();
  EXPECT_TRUE(result.diagnostics.HasErrors());
  EXPECT_NE(text.find("ingest/full/s/db.yml:8:"), std::string::npos) << text;
  EXPECT_NE(text.find("load_metadata"), std::string::npos) << text;
}

}  // namespace
}  // namespace tributary
