#include "config/schedule_options.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "common/did_you_mean.h"

namespace tributary {
namespace {

// A string key that must be one of `allowed`; nullopt (reported) otherwise.
std::optional<std::string> OneOf(YamlReader& yaml, const YAML::Node& map, const char* key,
                                 const std::vector<std::string>& allowed) {
  auto value = yaml.String(map, key);
  if (!value) return std::nullopt;
  if (std::find(allowed.begin(), allowed.end(), *value) != allowed.end()) return value;
  yaml.Error(map[key],
             fmt::format("'{}' cannot be '{}'{}", key, *value, DidYouMean(*value, allowed)),
             "one of: " + JoinNames(allowed));
  return std::nullopt;
}

}  // namespace

void LoadFrequencyOptions(YamlReader& yaml, const YAML::Node& node, FrequencyConfig& f) {
  if (auto overlap = OneOf(yaml, node, "overlap", {"skip", "queue"})) f.overlap = *overlap;
  if (auto catch_up = OneOf(yaml, node, "catch_up", {"once", "none"})) f.catch_up = *catch_up;
  if (auto timeout = yaml.Integer(node, "timeout_minutes", 0, 7 * 24 * 60)) {
    f.timeout_minutes = static_cast<int>(*timeout);
  }
  if (auto paused = yaml.Boolean(node, "paused")) f.paused = *paused;
}

void LoadSchedulerConfig(YamlReader& yaml, const YAML::Node& node, SchedulerConfig& scheduler) {
  if (!node || !yaml.CheckMapping(node, "scheduler", "", "scheduler")) return;
  if (auto dir = yaml.String(node, "lock_dir")) scheduler.lock_dir = *dir;
  if (auto grace = yaml.Integer(node, "misfire_grace_seconds", 1, 24 * 3600)) {
    scheduler.misfire_grace_seconds = static_cast<int>(*grace);
  }
}

void LoadJobsConfig(YamlReader& yaml, const YAML::Node& node, JobsConfig& jobs) {
  if (!node || !yaml.CheckMapping(node, "jobs", "", "jobs")) return;
  jobs.where = yaml.At(node);
  if (auto v = yaml.String(node, "command")) jobs.command = *v;
  if (auto v = yaml.String(node, "project_dir")) jobs.project_dir = *v;
  if (auto v = yaml.String(node, "kubernetes_image")) jobs.kubernetes_image = *v;
  if (auto v = yaml.String(node, "kubernetes_namespace")) jobs.kubernetes_namespace = *v;
  if (auto v = yaml.String(node, "databricks_cluster_id")) jobs.databricks_cluster_id = *v;
  if (auto v = yaml.String(node, "databricks_warehouse_id")) jobs.databricks_warehouse_id = *v;
  for (auto [key, field] : {std::pair{"databricks_wheel", &jobs.databricks_wheel},
                            {"databricks_secret_scope", &jobs.databricks_secret_scope},
                            {"kubernetes_secret", &jobs.kubernetes_secret},
                            {"kubernetes_volume_claim", &jobs.kubernetes_volume_claim},
                            {"environment_file", &jobs.environment_file},
                            {"user", &jobs.user},
                            {"log_dir", &jobs.log_dir}}) {
    if (auto v = yaml.String(node, key)) *field = *v;
  }
}

}  // namespace tributary
