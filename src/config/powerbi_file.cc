#include "config/powerbi_file.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "common/did_you_mean.h"
#include "common/error.h"
#include "config/secret_settings.h"
#include "config/secrets.h"

namespace tributary {
namespace {

const std::vector<std::string> kCapacities = {"shared", "premium", "ppu", "fabric"};

std::vector<std::string> FrequencyNames(const Project& project) {
  std::vector<std::string> names;
  for (const auto& f : project.frequencies) names.push_back(f.name);
  return names;
}

void LoadTable(YamlReader& yaml, const YAML::Node& node, const Project& project,
               PowerBiSemanticModel& model) {
  if (!yaml.CheckMapping(node, "powerbi.table", "", "a Power BI table entry")) return;
  PowerBiTable t;
  t.where = yaml.At(node);
  t.table = yaml.String(node, "table").value_or("");
  t.model = yaml.String(node, "model").value_or("");
  t.model_where = node["model"] ? yaml.AtValue(node, "model") : t.where;
  if (auto f = yaml.String(node, "frequency")) {
    t.frequency = *f;
    t.frequency_where = yaml.AtValue(node, "frequency");
    auto names = FrequencyNames(project);
    if (std::find(names.begin(), names.end(), *f) == names.end()) {
      yaml.ErrorAt(t.frequency_where,
                   fmt::format("unknown frequency '{}'{}", *f, DidYouMean(*f, names)),
                   "frequencies declared in tributary.yml: " + JoinNames(names));
    }
  }
  if (auto incremental = yaml.Boolean(node, "incremental")) t.incremental = *incremental;
  if (t.table.empty()) return;
  for (const auto& other : model.tables) {
    if (other.table != t.table) continue;
    yaml.ErrorAt(t.where,
                 fmt::format("table '{}' of semantic model '{}' is listed twice (first at line {})",
                             t.table, model.name, other.where.line),
                 "a table refreshes at one frequency: keep one entry");
    return;
  }
  model.tables.push_back(std::move(t));
}

void LoadSemanticModel(YamlReader& yaml, const std::string& name, const YAML::Node& node,
                       Project& project) {
  if (!yaml.CheckMapping(node, "powerbi.semantic_model", "",
                         fmt::format("semantic model '{}'", name))) {
    return;
  }
  PowerBiSemanticModel model;
  model.name = name;
  model.where = yaml.At(node);
  model.workspace = yaml.String(node, "workspace").value_or("");
  model.dataset = yaml.String(node, "dataset").value_or("");
  YAML::Node tables = yaml.Sequence(node, "tables");
  if (tables) {
    for (const auto& item : tables) LoadTable(yaml, item, project, model);
    if (tables.size() == 0) {
      yaml.ErrorAt(yaml.AtValue(node, "tables"),
                   fmt::format("semantic model '{}' lists no tables", name),
                   "list the tables tributary refreshes, each with the dbt model it reads");
    }
  }
  project.powerbi.semantic_models.push_back(std::move(model));
}

void LoadSettings(YamlReader& yaml, const YAML::Node& node, Project& project) {
  PowerBiConfig& p = project.powerbi;
  for (auto [key, field] : {std::pair{"tenant_id", &p.tenant_id},
                            {"client_id", &p.client_id},
                            {"client_secret", &p.client_secret},
                            {"capacity", &p.capacity},
                            {"authority", &p.authority},
                            {"api_url", &p.api_url},
                            {"scope", &p.scope}}) {
    if (auto v = yaml.String(node, key)) *field = *v;
  }
  for (const char* key : {"tenant_id", "client_id", "client_secret"}) {
    if (node[key] && node[key].IsScalar()) CheckSecretSetting(yaml, node[key], key, project);
  }
  if (node["capacity"] &&
      std::find(kCapacities.begin(), kCapacities.end(), p.capacity) == kCapacities.end()) {
    yaml.Error(
        node["capacity"],
        fmt::format("'capacity' cannot be '{}'{}", p.capacity, DidYouMean(p.capacity, kCapacities)),
        "one of: " + JoinNames(kCapacities));
  }
  for (std::string* url : {&p.authority, &p.api_url}) {
    while (!url->empty() && url->back() == '/') url->pop_back();
  }
  if (auto t = yaml.Integer(node, "timeout_minutes", 1, 24 * 60)) {
    p.timeout_minutes = static_cast<int>(*t);
  }
}

}  // namespace

void LoadPowerBi(YamlReader& yaml, const YAML::Node& node, Project& project) {
  if (!node || !yaml.CheckMapping(node, "powerbi", "", "powerbi")) return;
  project.powerbi.enabled = true;
  project.powerbi.where = yaml.At(node);
  LoadSettings(yaml, node, project);
  if (!project.dbt.enabled) {
    yaml.Error(node,
               "powerbi: needs a dbt: block: each Power BI table names the dbt model it reads",
               "add the dbt: block (docs/dbt.md), or remove powerbi:");
  }
  YAML::Node models = node["semantic_models"];
  if (!models) return;
  if (!models.IsMap()) {
    yaml.ErrorAt(yaml.AtValue(node, "semantic_models"),
                 fmt::format("'semantic_models' must be a mapping of names to semantic models, "
                             "found {}",
                             DescribeNode(models)));
    return;
  }
  yaml.CheckUniqueKeys(models, "semantic model");
  for (auto it = models.begin(); it != models.end(); ++it) {
    LoadSemanticModel(yaml, it->first.Scalar(), it->second, project);
  }
}

}  // namespace tributary
