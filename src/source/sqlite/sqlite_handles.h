// Move-only owners of SQLite's C handles.
#pragma once

#include <sqlite3.h>

#include <memory>

namespace tributary {

struct SqliteCloser {
  // close_v2: if statements are still alive the connection closes after the
  // last one is finalized, so a Reader may outlive its Source safely.
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
struct SqliteFinalizer {
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};
struct SqliteValueFree {
  void operator()(sqlite3_value* value) const { sqlite3_value_free(value); }
};

using SqliteDb = std::unique_ptr<sqlite3, SqliteCloser>;
using SqliteStmt = std::unique_ptr<sqlite3_stmt, SqliteFinalizer>;
// A protected copy of a value (sqlite3_value_dup), independent of its statement.
using SqliteValue = std::unique_ptr<sqlite3_value, SqliteValueFree>;

// SQLITE_BUSY and SQLITE_LOCKED (with their extended codes): another
// connection holds a lock past the busy timeout; the same read may pass later.
inline bool IsTransientSqliteCode(int rc) {
  int primary = rc & 0xff;
  return primary == SQLITE_BUSY || primary == SQLITE_LOCKED;
}

}  // namespace tributary
