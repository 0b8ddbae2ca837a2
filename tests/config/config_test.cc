// Loading a valid project into the model, secrets, sink table names, the
// generated configuration reference, and robustness against broken input.
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>

#include "common/error.h"
#include "config/loader.h"
#include "config/secrets.h"
#include "config/settings.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;

std::string ReadFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ConfigLoadTest, QuickstartBecomesTasksWithDefaultsApplied) {
  auto result = LoadProject(fs::path(TRIBUTARY_SOURCE_DIR) / "examples" / "quickstart");
  ASSERT_FALSE(result.diagnostics.HasErrors()) << result.diagnostics.RenderText();
  const Project& p = *result.project;
  EXPECT_EQ(p.name, "quickstart");
  EXPECT_EQ(p.sink.kind, "duckdb");
  EXPECT_EQ(p.sink.schema, "bronze");
  ASSERT_NE(p.FindFrequency("daily"), nullptr);
  EXPECT_EQ(p.FindFrequency("daily")->timezone, "Europe/Oslo");
  ASSERT_EQ(p.tasks.size(), 7u);
  const Task& first = p.tasks[0];
  EXPECT_EQ(first.strategy, "full");
  EXPECT_EQ(first.server, "shop");
  EXPECT_EQ(first.database, "shop.db");
  EXPECT_EQ(first.source_schema, "main");
  EXPECT_EQ(first.source_table, "customers");
  EXPECT_EQ(first.sink_table, "shop__customers");
  EXPECT_EQ(first.where.file, "ingest/full/shop/shop.yml");
  EXPECT_EQ(first.where.line, 7);
  const Task& query = p.tasks[5];
  EXPECT_EQ(query.strategy, "query");
  EXPECT_NE(query.options.query.find("GROUP BY status"), std::string::npos);
  EXPECT_EQ(p.tasks[6].options.columns,
            (std::vector<std::string>{"id", "country", "created_at", "is_active"}));
}

TEST(ConfigLoadTest, TablesWithoutFrequencyAreDailyAndDailyAlwaysExists) {
  testing::TempDir dir;
  std::ofstream(dir / "tributary.yml") << "project: p\nsink: {kind: duckdb, path: x.duckdb}\n"
                                          "servers: {s: {kind: sqlite}}\n";
  fs::create_directories(dir / "ingest/full/s");
  std::ofstream(dir / "ingest/full/s/db.yml")
      << "server: s\ndatabase: Sales.DB\nschemas:\n"
         "  - name: main\n    tables:\n      - name: Order Lines\n";
  auto result = LoadProject(dir.path());
  ASSERT_FALSE(result.diagnostics.HasErrors()) << result.diagnostics.RenderText();
  ASSERT_EQ(result.project->tasks.size(), 1u);
  EXPECT_EQ(result.project->tasks[0].frequency, "daily");
  EXPECT_EQ(result.project->tasks[0].sink_table, "sales__order_lines");
  ASSERT_NE(result.project->FindFrequency("daily"), nullptr);
  EXPECT_EQ(result.project->FindFrequency("daily")->cron, "0 0 5 * * ?");
}

TEST(ConfigLoadTest, ParallelismComesFromTheTableOrTheProjectDefault) {
  testing::TempDir dir;
  std::ofstream(dir / "tributary.yml") << "project: p\nsink: {kind: duckdb, path: x.duckdb}\n"
                                          "servers: {s: {kind: sqlite}}\n"
                                          "defaults: {parallelism: 3}\n";
  fs::create_directories(dir / "ingest/full/s");
  std::ofstream(dir / "ingest/full/s/db.yml")
      << "server: s\ndatabase: db\nschemas:\n  - name: main\n    tables:\n"
         "      - name: a\n      - {name: b, parallelism: 8}\n";
  auto result = LoadProject(dir.path());
  ASSERT_FALSE(result.diagnostics.HasErrors()) << result.diagnostics.RenderText();
  ASSERT_EQ(result.project->tasks.size(), 2u);
  EXPECT_EQ(result.project->tasks[0].options.parallelism, 3);
  EXPECT_EQ(result.project->tasks[1].options.parallelism, 8);
}

// retry_* (engine/retry.h) are valid on every server kind, checked as
// whole numbers in range where they are written.
TEST(ConfigLoadTest, RetrySettingsAreValidOnEveryServerAndCheckedWhereWritten) {
  testing::TempDir dir;
  std::ofstream(dir / "tributary.yml")
      << "project: p\nsink: {kind: duckdb, path: x.duckdb}\nservers:\n"
         "  s: {kind: sqlite, retry_attempts: 5, retry_initial_backoff_seconds: 0}\n"
         "  pg: {kind: postgresql, host: h, user: u, retry_attempts: 0,\n"
         "       retry_max_backoff_seconds: soon}\n";
  auto result = LoadProject(dir.path());
  std::string text = result.diagnostics.RenderText();
  EXPECT_EQ(result.diagnostics.ErrorCount(), 2u) << text;
  EXPECT_NE(text.find("tributary.yml:5:60: error: 'retry_attempts' is 0; it must be between 1 "
                      "and 100"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("tributary.yml:6:35: error: 'retry_max_backoff_seconds' must be a whole "
                      "number"),
            std::string::npos)
      << text;
  ASSERT_TRUE(result.project);
  EXPECT_EQ(result.project->FindServer("s")->settings.at("retry_attempts"), "5");
}

TEST(ConfigLoadTest, DefaultSinkTableNames) {
  EXPECT_EQ(DefaultSinkTable("CMS", "address_live"), "cms__address_live");
  EXPECT_EQ(DefaultSinkTable("shop.db", "Customers"), "shop__customers");
  EXPECT_EQ(DefaultSinkTable("core-db", "order lines"), "core_db__order_lines");
}

TEST(SecretsTest, ResolvesEnvironmentAndFileReferences) {
  testing::TempDir dir;
  std::ofstream(dir / "pw.txt") << "s3cret\n";
  setenv("TRIBUTARY_TEST_SECRET_USER", "loader", 1);
  EXPECT_EQ(ResolveSecrets("${env:TRIBUTARY_TEST_SECRET_USER}:${file:pw.txt}@host", dir.path()),
            "loader:s3cret@host");
  EXPECT_EQ(ResolveSecrets("no references", dir.path()), "no references");
  unsetenv("TRIBUTARY_TEST_SECRET_USER");
}

TEST(SecretsTest, ErrorsNameTheReferenceNeverTheValue) {
  testing::TempDir dir;
  try {
    ResolveSecrets("${env:TRIBUTARY_TEST_SURELY_UNSET}", dir.path());
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("TRIBUTARY_TEST_SURELY_UNSET is not set"),
              std::string::npos);
  }
  EXPECT_THROW(ResolveSecrets("${env:UNTERMINATED", dir.path()), ConfigError);
  EXPECT_THROW(ResolveSecrets("${vault:x}", dir.path()), ConfigError);
  EXPECT_TRUE(IsSecretKey("password"));
  EXPECT_TRUE(IsSecretKey("api_token"));
  EXPECT_FALSE(IsSecretKey("host"));
}

TEST(SettingsTest, ConfigurationReferenceIsUpToDate) {
  fs::path doc = fs::path(TRIBUTARY_SOURCE_DIR) / "docs" / "configuration.md";
  std::string text = ReadFile(doc);
  EXPECT_NE(text.find(RenderConfigReference()), std::string::npos)
      << "docs/configuration.md is out of date with src/config/settings.cc; regenerate it with\n"
         "  build/src/tributary docs config > docs/configuration.md";
}

TEST(SettingsTest, EveryKeyIsDocumented) {
  for (const auto& s : AllSettings()) {
    std::string doc = s.doc;
    EXPECT_TRUE(doc.size() > 5 && doc.back() == '.')
        << s.scope << "." << s.key << ": '" << doc << "'";
  }
}

// Random byte mutations of a valid project file must only ever produce
// diagnostics — never a crash, a hang or an exception.
TEST(ConfigRobustnessTest, MutatedProjectFilesNeverCrashTheLoader) {
  std::string original =
      ReadFile(fs::path(TRIBUTARY_SOURCE_DIR) / "examples/quickstart/tributary.yml");
  testing::TempDir dir;
  fs::create_directories(dir / "ingest/full/shop");
  fs::copy_file(fs::path(TRIBUTARY_SOURCE_DIR) / "examples/quickstart/ingest/full/shop/shop.yml",
                dir / "ingest/full/shop/shop.yml");
  std::mt19937 rng(20261124);
  const std::string alphabet = " :-[]{}\"'#\n\t*?${}abc019";
  for (int i = 0; i < 200; ++i) {
    std::string mutated = original;
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits && !mutated.empty(); ++e) {
      size_t at = rng() % mutated.size();
      switch (rng() % 3) {
        case 0:
          mutated[at] = alphabet[rng() % alphabet.size()];
          break;
        case 1:
          mutated.erase(at, 1 + rng() % 8);
          break;
        default:
          mutated.insert(at, 1, alphabet[rng() % alphabet.size()]);
      }
    }
    std::ofstream(dir / "tributary.yml", std::ios::trunc) << mutated;
    EXPECT_NO_THROW(LoadProject(dir.path())) << "mutation " << i << ":\n" << mutated;
  }
}

}  // namespace
}  // namespace tributary
