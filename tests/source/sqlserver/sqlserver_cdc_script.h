// A scripted SQL Server for CDC tests: each exact T-SQL statement the code
// under test may send is answered by a query on a SQLite file read through
// the real SQLite3 ODBC driver, so the rows arrive typed and shaped as a
// driver returns them (binary(10) LSNs as bytes, int, datetime). Every
// statement sent is recorded; an unscripted one fails like a server would.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/error.h"
#include "source/sqlserver/sqlserver_cdc_session.h"
#include "support/odbc_fixture.h"
#include "support/quickstart.h"
#include "support/temp_dir.h"

namespace tributary::testing {

class SqlServerScript {
 public:
  SqlServerScript() {
    OdbcConnectionString cs;
    cs.Add("DRIVER", OdbcDriverPath("libsqlite3odbc.so", "libsqliteodbc"))
        .Add("Database", db().string());
    Exec("CREATE TABLE IF NOT EXISTS unused (x integer)");
    conn_ = OpenOdbc(cs, "scripted sql server");
  }

  std::filesystem::path db() const { return dir_ / "server.db"; }
  void Exec(const std::string& sqlite) { SqliteExec(db(), sqlite); }
  // Answers `tsql` with the rows of `sqlite` from now on.
  void Answer(const std::string& tsql, const std::string& sqlite) { answers_[tsql] = sqlite; }
  void Forget(const std::string& tsql) { answers_.erase(tsql); }
  const std::vector<std::string>& sent() const { return sent_; }
  void ClearSent() { sent_.clear(); }

  SqlServerQuery Query() {
    return [this](const std::string& tsql) -> std::unique_ptr<Reader> {
      sent_.push_back(tsql);
      auto it = answers_.find(tsql);
      if (it == answers_.end()) throw SourceError("scripted sql server: unscripted: " + tsql);
      return conn_->Query(it->second);
    };
  }

 private:
  TempDir dir_;
  std::shared_ptr<OdbcConnection> conn_;
  std::map<std::string, std::string> answers_;
  std::vector<std::string> sent_;
};

// Every row `reader` streams, in one batch.
inline Batch ReadRows(Reader& reader) {
  Batch batch(reader.schema());
  while (reader.Next(batch, BatchLimits{size_t{1} << 30, size_t{1} << 40})) {
  }
  return batch;
}

// A SQLite blob literal of an LSN: x'0000002A000001F00003'.
inline std::string LsnBlob(const std::string& lsn) { return "x'" + lsn.substr(2) + "'"; }

}  // namespace tributary::testing
