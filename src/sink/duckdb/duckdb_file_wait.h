// DuckDB lets one process at a time open a database file (one writer, or
// readers that are all read-only). Two tributary processes on one DuckDB
// sink — the crons of two frequencies firing at the same minute, a `status`
// during a run — therefore wait for the file, bounded, instead of failing.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <string>

#include "clients/duckdb/duckdb_handles.h"
#include "common/error.h"

namespace tributary {

// The file stayed held by another process past the wait.
class DuckFileBusyError : public SinkError {
 public:
  DuckFileBusyError(const std::string& message, std::string holder)
      : SinkError(message), holder_(std::move(holder)) {}
  // Who held it: "PID 1234 (/usr/bin/tributary)" or "another process".
  const std::string& holder() const { return holder_; }

 private:
  std::string holder_;
};

// True when `message` (a SinkError from opening a DuckDB file) says another
// process holds the file's lock.
bool IsDuckFileBusy(const std::string& message);

// Who holds the lock according to `message`: "PID 1234 (/usr/bin/tributary)",
// or "another process" when the message does not say.
std::string DuckFileHolder(const std::string& message);

// Calls `open` until it returns, retrying (with back-off up to 2 s) while it
// throws a SinkError saying the file is busy, for at most `limit`. Logs what
// it waits for (file, holder) when it starts waiting, then once a minute.
// Throws DuckFileBusyError naming the file, the holder and the setting when
// the limit passes; any other error from `open` at once.
DuckDatabase OpenDuckFileWaiting(const std::filesystem::path& file, std::chrono::seconds limit,
                                 const std::function<DuckDatabase()>& open);

}  // namespace tributary
