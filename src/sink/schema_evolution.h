// The schema evolution policy every sink follows (see LoadSpec in sink.h). On
// append and merge: new columns are added, missing ones stay, widened types
// are widened, anything else fails the table before a row is written. On
// replace (full loads): the table takes the incoming columns and types, and
// columns the source no longer has stay as NULL columns unless the table's
// `dropped_columns: drop` says otherwise, so a model reading them does not
// break without warning. Every change is logged (warn), naming the table.
#pragma once

#include <string>
#include <vector>

#include "data/types.h"
#include "sink/run_log.h"

namespace tributary {

struct SchemaChange {
  std::vector<Field> added;    // incoming columns the sink table lacks, to add
  std::vector<Field> widened;  // sink columns to change to the wider incoming type
  bool same_columns = false;   // the table has exactly the incoming column names, in order
  std::vector<SchemaChangeRecord> records;  // added and widened, for the run history

  bool empty() const { return added.empty() && widened.empty(); }
};

// Compares a sink table's columns with the incoming batches' schema. Throws
// SinkError naming the table, the column, both types and the way out when a
// type changed in a way that would lose data.
SchemaChange PlanSchemaChange(const std::string& table, const Schema& existing,
                              const Schema& incoming);

// A replace of `table` (now `existing`) by rows of `incoming`: returns the
// existing columns the incoming schema lacks (names compared without case),
// which the sink keeps as NULL columns after the incoming ones when `keep`
// (else it drops them: returns none), and logs every change it makes and
// appends it to `records` (run_id, task_id and time left for the commit).
std::vector<Field> PlanReplace(const std::string& table, const Schema& existing,
                               const Schema& incoming, bool keep,
                               std::vector<SchemaChangeRecord>& records);

// The run_id of the LogScope open on this thread ("" outside a run): a load
// transaction takes it when it begins and records its schema changes under it.
std::string CurrentRunId();

}  // namespace tributary
