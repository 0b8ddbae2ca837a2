// Delta tables written by tributary's real Delta sink for the independent
// reader tests (delta-rs in tests/sink/delta/delta_rs_read_test.cc, Spark in
// tests/interop/spark_read_test.cc), each with what a reader must find
// there: the rows, the row count of every version, the operation of every
// commit and the columns with their types. One table per operation the sink
// performs: every type, append and replace, partitions with a delete window,
// merge with deletes (CDC current), a delete window without partitions
// (incremental with lookback), schema evolution, checkpoints (also read from
// the checkpoint alone), compaction, partition columns of several types, and
// timestamp_ntz (protocol 3, 7).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "data/types.h"
#include "store/object_store.h"
#include "support/delta_readers.h"
#include "support/store_fixture.h"
#include "support/temp_dir.h"

namespace tributary::testing {

struct ReaderTable {
  std::string name;
  std::filesystem::path path;           // a local copy of the table (its folder)
  std::string url;                      // where the table is (a folder or s3:// / az:// URL)
  std::vector<Field> columns;           // the latest schema as written, in table order
  std::vector<ReaderRow> rows;          // ordered by the first column (the key)
  std::vector<int64_t> version_rows;    // rows at each version, index = version
  std::vector<std::string> operations;  // commitInfo.operation, index = version
  int64_t first_version = 0;            // commits before it were deleted
  std::vector<std::string> live_adds;   // our log's live add actions (raw lines)
  bool timestamp_ntz = false;           // written with `timestamp_ntz: true`

  Schema schema() const { return Schema{columns}; }
  int64_t latest() const { return static_cast<int64_t>(version_rows.size()) - 1; }
};

// The Delta type a reader must report for a column tributary wrote as
// `type` (docs/delta.md, "Types").
std::string DeltaTypeOf(const DataType& type, bool timestamp_ntz = false);

// Where to write the tables: `scratch`, or the directory named by
// TRIBUTARY_KEEP_READER_TABLES (created), to look at them after the test.
std::filesystem::path ReaderTablesRoot(const TempDir& scratch);

// The names of the tables WriteReaderTable can write that `reader` reads
// (all but those that hit a known bug of that reader).
std::vector<std::string> ReaderTableNames(DeltaReader reader);
// Writes table `name` under `root` (a directory) with a DeltaSink, as the
// loads of a real run would, and says what it holds. Throws on a sink error.
ReaderTable WriteReaderTable(const std::filesystem::path& root, const std::string& name);
// The same through `store`, with `root` the local folder the files are (or
// will be copied) in; leaves `url` and `live_adds` to the caller.
ReaderTable WriteReaderTableThrough(std::unique_ptr<ObjectStore> store,
                                    const std::filesystem::path& root, const std::string& name);
// For tables with a first_version: deletes the commits before it from `store`
// (after live_adds was read), so readers must start from the checkpoint.
void DropCommitsBeforeCheckpoint(ObjectStore& store, ReaderTable& table);
// The same through the test store at `spot` (store_fixture.h); `path` is the
// table in a copy of the store's files made under `mirror` afterwards.
ReaderTable WriteReaderTableAt(const TestStoreSpot& spot, const std::filesystem::path& mirror,
                               const std::string& name);

}  // namespace tributary::testing
