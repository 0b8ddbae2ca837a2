#include "serve/lineage.h"

#include <map>
#include <set>

#include "dbt/bronze_tables.h"
#include "engine/status_json.h"
#include "serve/health_state.h"

namespace tributary {
namespace {

using nlohmann::json;

struct Graph {
  json nodes = json::array();
  json edges = json::array();
  std::set<std::string> ids;
  std::set<std::pair<std::string, std::string>> edge_set;

  void Node(const std::string& id, const char* layer, const std::string& label,
            const TableStatus* s) {
    if (!ids.insert(id).second) return;
    nodes.push_back({{"id", id},
                     {"layer", layer},
                     {"label", label},
                     {"frequency", s ? json(s->task->frequency) : json()},
                     {"health", s ? json(HealthToken(s->health)) : json()},
                     {"state", s ? json(HealthState(s->health)) : json()}});
  }
  void Edge(const std::string& from, const std::string& to) {
    if (ids.count(from) && ids.count(to) && edge_set.insert({from, to}).second) {
      edges.push_back({{"from", from}, {"to", to}});
    }
  }
};

std::string SourceId(const Task& t) {
  std::string table =
      t.source_schema.empty() ? t.source_table : t.source_schema + "." + t.source_table;
  return "source:" + t.server + "/" + t.database + "/" + table;
}

void AddTables(Graph& g, const ProjectStatus& status) {
  for (const auto& s : status.table_rows) {
    const Task& t = *s.task;
    std::string table =
        t.source_schema.empty() ? t.source_table : t.source_schema + "." + t.source_table;
    g.Node(SourceId(t), "source", t.server + " · " + table, nullptr);
    g.Node(t.id(), "bronze", t.id(), &s);
    g.Edge(SourceId(t), t.id());
  }
}

void AddModels(Graph& g, const Project& project, const ProjectStatus& status) {
  if (!status.manifest) return;
  for (const auto& s : status.model_rows) g.Node(s.task->id(), "model", s.task->source_table, &s);
  for (const auto& m : status.manifest->models) {
    for (const auto& source_id : m.upstream_sources) {
      auto it = status.manifest->sources.find(source_id);
      const Task* bronze =
          it == status.manifest->sources.end() ? nullptr : BronzeTask(it->second, project);
      if (bronze != nullptr) g.Edge(bronze->id(), m.unique_id);
    }
    for (const auto& up : m.upstream_models) g.Edge(up, m.unique_id);
  }
}

void AddReports(Graph& g, const Project& project, const ProjectStatus& status) {
  std::map<std::string, std::string> model_ids;  // model name → unique_id
  if (status.manifest) {
    for (const auto& m : status.manifest->models) model_ids[m.name] = m.unique_id;
  }
  for (const auto& s : status.report_rows) {
    g.Node(s.task->id(), "report", s.task->database + " · " + s.task->source_table, &s);
  }
  for (const auto& sm : project.powerbi.semantic_models) {
    for (const auto& t : sm.tables) {
      auto it = model_ids.find(t.model);
      if (it != model_ids.end()) g.Edge(it->second, "powerbi." + sm.name + "." + t.table);
    }
  }
}

}  // namespace

json LineageJson(const Project& project, const ProjectStatus& status) {
  Graph g;
  AddTables(g, status);
  AddModels(g, project, status);
  AddReports(g, project, status);
  return {{"nodes", std::move(g.nodes)}, {"edges", std::move(g.edges)}};
}

}  // namespace tributary
