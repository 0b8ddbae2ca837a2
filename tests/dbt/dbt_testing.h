// Shared pieces of the dbt tests: the reference manifests beside the
// repository, small projects and manifests made in code, and the dbt
// executable from the project's virtual environment.
#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/project.h"
#include "dbt/manifest.h"

namespace tributary::testing {

namespace fs = std::filesystem;

inline fs::path ReferenceFile(const std::string& name) {
  return fs::path(TRIBUTARY_SOURCE_DIR) / ".." / "shared" / "reference" / "dbt" / name;
}

inline nlohmann::json ReadJson(const fs::path& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

inline fs::path DbtExecutable() {
  if (const char* env = std::getenv("TRIBUTARY_DBT"); env != nullptr && *env) {
    return fs::exists(env) ? fs::path(env) : fs::path();
  }
  fs::path venv = fs::path(TRIBUTARY_SOURCE_DIR) / ".venv" / "bin" / "dbt";
  return fs::exists(venv) ? venv : fs::path();
}

inline bool InCi() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

inline Project MakeProject(const std::vector<std::pair<std::string, std::string>>& tables) {
  Project p;
  p.name = "test";
  p.dir = "/nonexistent/project";
  // Named members, not braced temporaries: GCC 12 at -O3 misreports the latter
  // as maybe-uninitialized.
  for (auto [name, cron] : {std::pair<const char*, const char*>{"every_5_minutes", "0 0/5 * * * ?"},
                            {"hourly", "0 0 * * * ?"},
                            {"daily", "0 0 5 * * ?"}}) {
    FrequencyConfig f;
    f.name = name;
    f.cron = cron;
    f.timezone = "UTC";
    p.frequencies.push_back(std::move(f));
  }
  p.dbt.enabled = true;
  p.dbt.project_dir = "dbt";
  for (const auto& [table, frequency] : tables) {
    Task t;
    t.strategy = "full";
    t.sink_table = table;
    t.frequency = frequency;
    t.where = {"ingest/full/shop/shop.yml", 7, 9};
    p.tasks.push_back(t);
  }
  return p;
}

inline nlohmann::json EmptyManifest() {
  return {{"metadata",
           {{"dbt_schema_version", "https://schemas.getdbt.com/dbt/manifest/v12.json"},
            {"project_name", "shop"}}},
          {"nodes", nlohmann::json::object()},
          {"sources", nlohmann::json::object()}};
}

inline void AddModel(nlohmann::json& manifest, const std::string& name,
                     const std::vector<std::string>& tags,
                     const std::vector<std::string>& depends_on) {
  std::vector<std::string> nodes;
  for (const auto& d : depends_on) {
    nodes.push_back(d.find('.') == std::string::npos ? "model.shop." + d : d);
  }
  manifest["nodes"]["model.shop." + name] = {
      {"unique_id", "model.shop." + name},
      {"resource_type", "model"},
      {"name", name},
      {"package_name", "shop"},
      {"fqn", {"shop", "staging", name}},
      {"original_file_path", "models\\staging\\" + name + ".sql"},
      {"config", {{"materialized", "view"}, {"tags", tags}}},
      {"tags", tags},
      {"depends_on", {{"macros", nlohmann::json::array()}, {"nodes", nodes}}}};
}

inline void AddSource(nlohmann::json& manifest, const std::string& table,
                      const std::string& schema = "bronze") {
  std::string id = "source.shop.bronze." + table;
  manifest["sources"][id] = {{"unique_id", id},
                             {"source_name", "bronze"},
                             {"name", table},
                             {"database", "lakehouse"},
                             {"schema", schema},
                             {"identifier", table},
                             {"original_file_path", "models/staging/sources.yml"}};
}

inline Manifest Parse(const nlohmann::json& manifest) {
  return ParseManifest(manifest.dump(), "manifest.json");
}

}  // namespace tributary::testing

// Call at the top of a test that needs dbt: fails under CI=true (the install
// script must have provided it), skips elsewhere.
#define TRIBUTARY_REQUIRE_DBT()                                                                \
  do {                                                                                         \
    if (::tributary::testing::DbtExecutable().empty()) {                                       \
      if (::tributary::testing::InCi()) FAIL() << "dbt missing: run scripts/install-tools.sh"; \
      GTEST_SKIP() << "dbt not installed (scripts/install-tools.sh)";                          \
    }                                                                                          \
  } while (0)
