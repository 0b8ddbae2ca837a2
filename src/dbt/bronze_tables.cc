#include "dbt/bronze_tables.h"

#include <algorithm>
#include <cctype>

#include "config/kinds.h"

namespace tributary {
namespace {

bool SameName(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// Whether the sink keeps bronze in a schema (not so a folder of Delta tables).
bool HasSchema(const Project& project) {
  const SinkKind* kind = FindSinkKind(project.sink.kind);
  return kind != nullptr && kind->sql_tables;
}

}  // namespace

bool InBronzeSchema(const DbtSource& source, const Project& project) {
  return HasSchema(project) && SameName(source.schema, project.sink.schema);
}

const Task* BronzeTask(const DbtSource& source, const Project& project) {
  if (HasSchema(project) && !InBronzeSchema(source, project)) return nullptr;
  for (const auto& task : project.tasks) {
    if (SameName(source.identifier, task.sink_table)) return &task;
    if (task.options.current && SameName(source.identifier, task.sink_table + "_current")) {
      return &task;
    }
  }
  return nullptr;
}

std::vector<std::string> BronzeTableNames(const Project& project) {
  std::vector<std::string> names;
  for (const auto& task : project.tasks) {
    names.push_back(task.sink_table);
    if (task.options.current) names.push_back(task.sink_table + "_current");
  }
  return names;
}

}  // namespace tributary
