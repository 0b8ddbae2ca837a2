// The reader tables of delta_reader_tables.h written through the emulated
// object stores (kept apart so the Spark binary does not link the emulators).
#include "support/delta_checker.h"
#include "support/delta_reader_tables.h"

namespace tributary::testing {

ReaderTable WriteReaderTableAt(const TestStoreSpot& spot, const std::filesystem::path& mirror,
                               const std::string& name) {
  ReaderTable table = WriteReaderTableThrough(OpenTestStoreAt(spot), mirror, name);
  table.url = spot.location + "/" + name;
  MirrorStore(*OpenTestStoreAt(spot), mirror);
  table.live_adds = DeltaLiveAdds(table.path);
  DropCommitsBeforeCheckpoint(*OpenTestStoreAt(spot), table);
  return table;
}

}  // namespace tributary::testing
