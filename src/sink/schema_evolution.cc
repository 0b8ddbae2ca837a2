#include "sink/schema_evolution.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "common/error.h"
#include "common/log.h"

namespace tributary {
namespace {

std::string Lower(const std::string& s) {
  std::string out = s;
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

int FindColumn(const Schema& schema, const std::string& name) {
  for (size_t i = 0; i < schema.fields.size(); ++i) {
    if (Lower(schema.fields[i].name) == Lower(name)) return static_cast<int>(i);
  }
  return -1;
}

SchemaChangeRecord LogChange(const std::string& table, const std::string& column,
                             const std::string& change, const std::string& from,
                             const std::string& to) {
  LogFields fields = {{"table", table}, {"column", column}, {"change", change}};
  if (!from.empty()) fields["old_type"] = from;
  if (!to.empty()) fields["new_type"] = to;
  Log(LogLevel::kWarn, "schema change", fields);
  return SchemaChangeRecord{"", "", table, column, change, from, to, TimePoint{}};
}

}  // namespace

std::string CurrentRunId() {
  LogFields fields = CurrentLogFields();
  auto it = fields.find("run_id");
  return it == fields.end() ? "" : it->second.Text();
}

SchemaChange PlanSchemaChange(const std::string& table, const Schema& existing,
                              const Schema& incoming) {
  SchemaChange change;
  for (const Field& f : incoming.fields) {
    int at = existing.IndexOf(f.name);
    if (at < 0) {
      change.added.push_back(f);
      continue;
    }
    const DataType& have = existing.fields[static_cast<size_t>(at)].type;
    if (FitsInto(f.type, have)) continue;
    if (FitsInto(have, f.type)) {
      change.widened.push_back(f);
      continue;
    }
    throw SinkError(fmt::format(
        "table '{}' column '{}' is {} in the sink but the source now gives {}; loading would "
        "lose data. Change the column in the sink, or reload the table from scratch with "
        "`tributary run --full-refresh --tables {}`",
        table, f.name, TypeName(have), TypeName(f.type), table));
  }
  for (const Field& f : change.added) {
    change.records.push_back(LogChange(table, f.name, "added", "", TypeName(f.type)));
  }
  for (const Field& f : change.widened) {
    const Field& have = existing.fields[static_cast<size_t>(existing.IndexOf(f.name))];
    change.records.push_back(
        LogChange(table, f.name, "widened", TypeName(have.type), TypeName(f.type)));
  }
  change.same_columns = change.added.empty() && existing.fields.size() == incoming.fields.size();
  for (size_t i = 0; change.same_columns && i < incoming.fields.size(); ++i) {
    change.same_columns = existing.fields[i].name == incoming.fields[i].name;
  }
  return change;
}

std::vector<Field> PlanReplace(const std::string& table, const Schema& existing,
                               const Schema& incoming, bool keep,
                               std::vector<SchemaChangeRecord>& records) {
  std::vector<Field> kept;
  for (const Field& f : existing.fields) {
    if (FindColumn(incoming, f.name) >= 0) continue;
    // Gone at the source: kept (NULL from now on) or dropped.
    records.push_back(LogChange(table, f.name, keep ? "kept" : "dropped", TypeName(f.type), ""));
    if (keep) kept.push_back(Field{f.name, f.type, true});
  }
  for (const Field& f : incoming.fields) {
    int at = FindColumn(existing, f.name);
    if (at < 0) {
      records.push_back(LogChange(table, f.name, "added", "", TypeName(f.type)));
    } else if (TypeName(existing.fields[static_cast<size_t>(at)].type) != TypeName(f.type)) {
      records.push_back(LogChange(table, f.name, "type_changed",
                                  TypeName(existing.fields[static_cast<size_t>(at)].type),
                                  TypeName(f.type)));
    }
  }
  return kept;
}

}  // namespace tributary
