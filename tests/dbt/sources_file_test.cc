// `tributary dbt sources`: every bronze table (and a CDC table's _current)
// as a dbt source with its frequency tag, its origin and freshness thresholds
// derived from its schedule, read from the run history (DuckDB, PostgreSQL)
// or the CDC column (Delta).
#include "dbt/sources_file.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "dbt/dbt_testing.h"

namespace tributary {
namespace {

Project SourcesProject() {
  Project p = testing::MakeProject({{"shop__events", "every_5_minutes"},
                                    {"shop__orders", "hourly"},
                                    {"shop__customers", "daily"}});
  p.sink.kind = "duckdb";
  p.sink.path = "data/lakehouse.duckdb";
  p.sink.schema = "bronze";
  p.tasks[0].strategy = "cdc";
  p.tasks[0].options.current = true;
  p.tasks[0].server = "coredb";
  p.tasks[0].database = "shop";
  p.tasks[0].source_schema = "public";
  p.tasks[0].source_table = "events";
  return p;
}

YAML::Node Table(const YAML::Node& doc, const std::string& name) {
  for (const auto& t : doc["sources"][0]["tables"]) {
    if (t["name"].as<std::string>() == name) return t;
  }
  return YAML::Node();
}

TEST(DbtSourcesTest, EveryBronzeTableWithItsTagOriginAndFreshness) {
  Project p = SourcesProject();
  SourcesOptions options;
  options.database = DefaultSourceDatabase(p);
  EXPECT_EQ(options.database, "lakehouse");
  std::string text = RenderSources(p, options);
  EXPECT_EQ(text.rfind("# Written by `tributary dbt sources`", 0), 0u) << text;
  YAML::Node doc = YAML::Load(text);
  EXPECT_EQ(doc["version"].as<int>(), 2);
  EXPECT_EQ(doc["sources"][0]["name"].as<std::string>(), "bronze");
  EXPECT_EQ(doc["sources"][0]["database"].as<std::string>(), "lakehouse");
  EXPECT_EQ(doc["sources"][0]["schema"].as<std::string>(), "bronze");
  EXPECT_EQ(doc["sources"][0]["tables"].size(), 4u) << "three tables and one _current";

  YAML::Node events = Table(doc, "shop__events");
  EXPECT_EQ(events["config"]["tags"][0].as<std::string>(), "every_5_minutes");
  EXPECT_NE(events["description"].as<std::string>().find("public.events on server coredb"),
            std::string::npos);
  EXPECT_EQ(events["config"]["freshness"]["warn_after"]["count"].as<int>(), 10);
  EXPECT_EQ(events["config"]["freshness"]["warn_after"]["period"].as<std::string>(), "minute");
  EXPECT_EQ(events["config"]["loaded_at_query"].as<std::string>(),
            "select max(ended_at) from lakehouse._tributary.task_results where task_id = "
            "'shop__events' and status = 'succeeded'");
  YAML::Node current = Table(doc, "shop__events_current");
  ASSERT_TRUE(current.IsMap());
  EXPECT_NE(current["config"]["loaded_at_query"].as<std::string>().find("'shop__events'"),
            std::string::npos);

  YAML::Node orders = Table(doc, "shop__orders");
  EXPECT_EQ(orders["config"]["freshness"]["warn_after"]["count"].as<int>(), 2);
  EXPECT_EQ(orders["config"]["freshness"]["warn_after"]["period"].as<std::string>(), "hour");
  EXPECT_EQ(orders["config"]["freshness"]["error_after"]["count"].as<int>(), 3);
  YAML::Node customers = Table(doc, "shop__customers");
  EXPECT_EQ(customers["config"]["freshness"]["error_after"]["period"].as<std::string>(), "day");
}

TEST(DbtSourcesTest, AWeekdayScheduleAllowsForTheWeekend) {
  FrequencyConfig f;
  f.cron = "0 0 6 ? * MON-FRI";
  f.timezone = "UTC";
  FreshnessMinutes fresh = FreshnessOf(f);
  EXPECT_EQ(fresh.warn, 2 * 3 * 24 * 60);  // Friday 06:00 to Monday 06:00, twice
  EXPECT_EQ(fresh.error, 3 * 3 * 24 * 60);
}

TEST(DbtSourcesTest, OnDeltaFreshnessReadsTheLoadMetadataColumn) {
  Project p = SourcesProject();
  p.sink.kind = "delta";
  p.sink.path = "bronze";
  SourcesOptions options;
  options.database = DefaultSourceDatabase(p);
  EXPECT_EQ(options.database, "");
  YAML::Node doc = YAML::Load(RenderSources(p, options));
  EXPECT_FALSE(doc["sources"][0]["schema"].IsDefined());
  EXPECT_EQ(Table(doc, "shop__events")["config"]["loaded_at_field"].as<std::string>(),
            "_ingested_at");
  EXPECT_EQ(Table(doc, "shop__orders")["config"]["loaded_at_field"].as<std::string>(),
            "_ingested_at");
  EXPECT_TRUE(Table(doc, "shop__orders")["config"]["freshness"].IsDefined());
  EXPECT_EQ(Table(doc, "shop__orders")["config"]["tags"][0].as<std::string>(), "hourly");

  // Without the column, a table that is not a change history has nothing to read.
  for (Task& t : p.tasks) t.options.load_metadata = false;
  doc = YAML::Load(RenderSources(p, options));
  EXPECT_FALSE(Table(doc, "shop__orders")["config"]["freshness"].IsDefined());
  EXPECT_EQ(Table(doc, "shop__events")["config"]["loaded_at_field"].as<std::string>(),
            "_ingested_at");
}

TEST(DbtSourcesTest, APostgresqlSinkNamesItsDatabaseButNeverASecret) {
  Project p = SourcesProject();
  p.sink.kind = "postgresql";
  p.sink.settings["database"] = "lakehouse_prod";
  EXPECT_EQ(DefaultSourceDatabase(p), "lakehouse_prod");
  p.sink.settings["database"] = "${env:PGDATABASE}";
  EXPECT_EQ(DefaultSourceDatabase(p), "");
  SourcesOptions options;
  EXPECT_NE(RenderSources(p, options).find("from _tributary.task_results where"),
            std::string::npos);
}

}  // namespace
}  // namespace tributary
