// The schema evolution policy every sink follows on append and merge (see
// LoadSpec in sink.h): new columns are added, missing ones stay, widened types
// are widened, anything else fails the table before a row is written.
#pragma once

#include <string>
#include <vector>

#include "data/types.h"

namespace tributary {

struct SchemaChange {
  std::vector<Field> added;    // incoming columns the sink table lacks, to add
  std::vector<Field> widened;  // sink columns to change to the wider incoming type
  bool same_columns = false;   // the table has exactly the incoming column names, in order

  bool empty() const { return added.empty() && widened.empty(); }
};

// Compares a sink table's columns with the incoming batches' schema. Throws
// SinkError naming the table, the column, both types and the way out when a
// type changed in a way that would lose data.
SchemaChange PlanSchemaChange(const std::string& table, const Schema& existing,
                              const Schema& incoming);

}  // namespace tributary
