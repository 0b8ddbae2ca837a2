#include "dbt/sources_file.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>

#include "common/error.h"
#include "config/frequency_rank.h"
#include "config/kinds.h"
#include "data/load_metadata.h"

namespace tributary {
namespace {

bool SqlTables(const Project& project) {
  const SinkKind* kind = FindSinkKind(project.sink.kind);
  return kind != nullptr && kind->sql_tables;
}

// {count, period} in the largest whole unit dbt knows (minute, hour, day).
void Threshold(YAML::Emitter& out, const char* key, long minutes) {
  long count = minutes;
  const char* period = "minute";
  if (minutes % (24 * 60) == 0) {
    count = minutes / (24 * 60);
    period = "day";
  } else if (minutes % 60 == 0) {
    count = minutes / 60;
    period = "hour";
  }
  out << YAML::Key << key << YAML::Value << YAML::Flow << YAML::BeginMap << YAML::Key << "count"
      << YAML::Value << count << YAML::Key << "period" << YAML::Value << period << YAML::EndMap;
}

std::string SqlText(const std::string& text) {
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

// When the table's task last succeeded, from the run history beside bronze.
std::string LoadedAtQuery(const Task& task, const SourcesOptions& options) {
  std::string history = options.database.empty() ? "_tributary.task_results"
                                                 : options.database + "._tributary.task_results";
  return fmt::format("select max(ended_at) from {} where task_id = {} and status = 'succeeded'",
                     history, SqlText(task.id()));
}

std::string Description(const Task& task, bool current) {
  std::string table =
      task.source_schema.empty() ? task.source_table : task.source_schema + "." + task.source_table;
  return fmt::format(
      "{}Loaded by tributary from {} on server {} (database {}), strategy {}, "
      "frequency {}.",
      current ? "Current state of a change history. " : "", table, task.server, task.database,
      task.strategy, task.frequency);
}

void Table(YAML::Emitter& out, const Project& project, const SourcesOptions& options,
           const Task& task, bool current) {
  std::string name = current ? task.sink_table + "_current" : task.sink_table;
  out << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << name;
  out << YAML::Key << "description" << YAML::Value << Description(task, current);
  out << YAML::Key << "config" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "tags" << YAML::Value << YAML::Flow << YAML::BeginSeq << task.frequency
      << YAML::EndSeq;
  const FrequencyConfig* frequency = project.FindFrequency(task.frequency);
  FreshnessMinutes fresh = frequency ? FreshnessOf(*frequency) : FreshnessMinutes{};
  bool sql = SqlTables(project);
  const StrategyKind* strategy = FindStrategyKind(task.strategy);
  bool cdc = strategy != nullptr && strategy->needs_cdc;
  bool ingested_at = cdc || task.options.load_metadata;  // the table has _ingested_at
  if (fresh.warn > 0 && (sql || ingested_at)) {
    out << YAML::Key << "freshness" << YAML::Value << YAML::BeginMap;
    Threshold(out, "warn_after", fresh.warn);
    Threshold(out, "error_after", fresh.error);
    out << YAML::EndMap;
    if (sql) {
      out << YAML::Key << "loaded_at_query" << YAML::Value << LoadedAtQuery(task, options);
    } else {
      out << YAML::Key << "loaded_at_field" << YAML::Value << kIngestedAtColumn;
    }
  }
  out << YAML::EndMap << YAML::EndMap;
}

}  // namespace

std::string DefaultSourceDatabase(const Project& project) {
  const SinkKind* kind = FindSinkKind(project.sink.kind);
  if (kind != nullptr && kind->single_file) {
    return std::filesystem::path(project.sink.path).stem().string();
  }
  auto db = project.sink.settings.find("database");
  if (!SqlTables(project) || db == project.sink.settings.end()) return "";
  return db->second.find("${") == std::string::npos ? db->second : "";  // never a secret
}

FreshnessMinutes FreshnessOf(const FrequencyConfig& frequency) {
  try {
    long gap =
        static_cast<long>((LongestGap(frequency.cron, frequency.timezone).count() + 59) / 60);
    return {2 * gap, 3 * gap};
  } catch (const Error&) {
    return {};
  }
}

std::string RenderSources(const Project& project, const SourcesOptions& options) {
  YAML::Emitter out;
  out << YAML::BeginMap << YAML::Key << "version" << YAML::Value << 2;
  out << YAML::Key << "sources" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << options.source_name;
  if (!options.database.empty()) {
    out << YAML::Key << "database" << YAML::Value << options.database;
  }
  if (SqlTables(project)) out << YAML::Key << "schema" << YAML::Value << project.sink.schema;
  out << YAML::Key << "tables" << YAML::Value << YAML::BeginSeq;
  for (const auto& task : project.tasks) {
    Table(out, project, options, task, false);
    if (task.options.current) Table(out, project, options, task, true);
  }
  out << YAML::EndSeq << YAML::EndMap << YAML::EndSeq << YAML::EndMap;
  return fmt::format(
      "# Written by `tributary dbt sources` from project '{}'; regenerate it when tables are\n"
      "# added or their frequencies change. Freshness: a warning once one scheduled load was\n"
      "# missed, an error after two (docs/dbt.md).\n{}\n",
      project.name, out.c_str());
}

}  // namespace tributary
