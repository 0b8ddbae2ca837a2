// The scheduling keys of tributary.yml: frequency policies, `scheduler:` and
// `jobs:`, read into the model, and wrong values reported at file:line:column.
#include <gtest/gtest.h>

#include <fstream>

#include "config/loader.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

LoadResult LoadWith(const testing::TempDir& dir, const std::string& yml) {
  std::ofstream(dir / "tributary.yml") << yml;
  return LoadProject(dir.path());
}

constexpr const char* kHead =
    "project: p\n"
    "sink: {kind: duckdb, path: lake.duckdb}\n";

TEST(ScheduleConfigTest, PoliciesAndSectionsAreRead) {
  testing::TempDir dir;
  auto r = LoadWith(dir, std::string(kHead) +
                             "frequencies:\n"
                             "  hourly:\n"
                             "    cron: \"0 0 * * * ?\"\n"
                             "    overlap: queue\n"
                             "    catch_up: none\n"
                             "    timeout_minutes: 45\n"
                             "    paused: true\n"
                             "scheduler:\n"
                             "  lock_dir: /var/lock/tributary\n"
                             "  misfire_grace_seconds: 5\n"
                             "jobs:\n"
                             "  command: /opt/tributary/bin/tributary\n"
                             "  project_dir: /srv/project\n"
                             "  kubernetes_image: registry.example/tributary:1.0\n"
                             "  kubernetes_namespace: data\n"
                             "  databricks_cluster_id: 0101-abc\n");
  ASSERT_FALSE(r.diagnostics.HasErrors()) << r.diagnostics.RenderText();
  const FrequencyConfig* f = r.project->FindFrequency("hourly");
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->overlap, "queue");
  EXPECT_EQ(f->catch_up, "none");
  EXPECT_EQ(f->timeout_minutes, 45);
  EXPECT_TRUE(f->paused);
  EXPECT_EQ(r.project->scheduler.lock_dir, "/var/lock/tributary");
  EXPECT_EQ(r.project->scheduler.misfire_grace_seconds, 5);
  EXPECT_EQ(r.project->jobs.command, "/opt/tributary/bin/tributary");
  EXPECT_EQ(r.project->jobs.project_dir, "/srv/project");
  EXPECT_EQ(r.project->jobs.kubernetes_image, "registry.example/tributary:1.0");
  EXPECT_EQ(r.project->jobs.kubernetes_namespace, "data");
  EXPECT_EQ(r.project->jobs.databricks_cluster_id, "0101-abc");
  const FrequencyConfig* daily = r.project->FindFrequency("daily");  // implicit: defaults
  ASSERT_NE(daily, nullptr);
  EXPECT_EQ(daily->overlap, "skip");
  EXPECT_EQ(daily->catch_up, "once");
  EXPECT_EQ(daily->timeout_minutes, 0);
  EXPECT_FALSE(daily->paused);
}

TEST(ScheduleConfigTest, WrongValuesAreReportedWhereTheyAreWritten) {
  testing::TempDir dir;
  auto r = LoadWith(dir, std::string(kHead) +
                             "frequencies:\n"
                             "  hourly:\n"
                             "    cron: \"0 0 * * * ?\"\n"
                             "    overlap: queu\n"
                             "    catch_up: always\n"
                             "    timeout_minutes: -5\n"
                             "    paused: yes\n"
                             "    max_runs: 1\n"
                             "scheduler:\n"
                             "  lock_dri: x\n"
                             "jobs: [a]\n");
  EXPECT_EQ(r.diagnostics.RenderText(),
            "ingest/: warning: no ingest/ folder: the project loads no tables\n"
            "  hint: add ingest/<strategy>/<server>/<database>.yml files\n"
            "tributary.yml:6:14: error: 'overlap' cannot be 'queu' (did you mean 'queue'?)\n"
            "  hint: one of: skip, queue\n"
            "tributary.yml:7:15: error: 'catch_up' cannot be 'always'\n"
            "  hint: one of: once, none\n"
            "tributary.yml:8:22: error: 'timeout_minutes' is -5; it must be between 0 and 10080\n"
            "tributary.yml:9:13: error: 'paused' must be true or false, found 'yes'\n"
            "tributary.yml:10:5: error: unknown key 'max_runs' in frequency 'hourly'\n"
            "  hint: valid keys here: cron, timezone, overlap, catch_up, timeout_minutes, paused\n"
            "tributary.yml:12:3: error: unknown key 'lock_dri' in scheduler (did you mean "
            "'lock_dir'?)\n"
            "  hint: valid keys here: lock_dir, misfire_grace_seconds\n"
            "tributary.yml:13:7: error: jobs must be a mapping of keys to values, found a list\n");
}

}  // namespace
}  // namespace tributary
