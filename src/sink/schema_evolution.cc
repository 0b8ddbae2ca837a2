#include "sink/schema_evolution.h"

#include <fmt/format.h>

#include "common/error.h"

namespace tributary {

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
  change.same_columns = change.added.empty() && existing.fields.size() == incoming.fields.size();
  for (size_t i = 0; change.same_columns && i < incoming.fields.size(); ++i) {
    change.same_columns = existing.fields[i].name == incoming.fields[i].name;
  }
  return change;
}

}  // namespace tributary
