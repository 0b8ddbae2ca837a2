// An independent reader of Delta tables for tests: validates every commit of
// a table's log against PROTOCOL.md (one action per line, at most one
// metaData/protocol/commitInfo per commit, unique add/remove paths and txn
// appIds, txn versions increasing per appId, add sizes equal to the files,
// stats equal to what the files hold) and reads the live files with DuckDB,
// taking partition values from the log. It shares no code with the sink's
// writer, so it catches what the writer gets wrong about itself.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace tributary::testing {

// Every problem found in the log of `table`, one message each; empty when
// the log is valid.
std::vector<std::string> CheckDeltaLog(const std::filesystem::path& table);

// The live rows of `table` at its latest version as text: one string per
// row, `columns` (SQL expressions over the table's columns, evaluated in
// UTC) joined by '|', NULL as "NULL", ordered by `order_by`.
std::vector<std::string> DeltaRows(const std::filesystem::path& table, const std::string& columns,
                                   const std::string& order_by);

// The latest version's live add actions (raw JSON lines), for assertions on
// paths, partition values and stats.
std::vector<std::string> DeltaLiveAdds(const std::filesystem::path& table);

// The actions of commit `version` (raw JSON lines); empty when missing.
std::vector<std::string> DeltaCommitLines(const std::filesystem::path& table, long version);

}  // namespace tributary::testing
