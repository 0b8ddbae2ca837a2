// The sources the strategy and reader contract suites run against, behind
// one small interface so every test runs unchanged on each database that can
// run here. Adding a source kind to the suites is one entry in
// TestSourceKinds().
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "config/project.h"
#include "data/types.h"

namespace tributary::testing {

// A server entry that logs in with a password, and that password.
struct PasswordLogin {
  ServerConfig server;
  std::string password;
};

// A database with one writable schema, reachable as a tributary server.
class TestSource {
 public:
  virtual ~TestSource() = default;
  // Runs SQL that both SQLite and PostgreSQL understand (several statements
  // allowed; identifiers in double quotes; waits for locks held by other
  // connections).
  virtual void Exec(const std::string& sql) = 0;
  // The first column of every row of `sql`, as text ("NULL" for null).
  virtual std::vector<std::string> Values(const std::string& sql) = 0;
  // The server entry (its settings relative to `project_dir`).
  virtual ServerConfig Server(const std::filesystem::path& project_dir) = 0;
  virtual std::string Database() const = 0;
  virtual std::string Schema() const = 0;  // "main", "public"

  // What the database can hold, for the reader contract suite:
  // The column type that reads back as `type` ("numeric(12,2)"), or "" when
  // the database has none.
  virtual std::string ColumnType(const DataType& type) const = 0;
  // A SQL literal storing the value whose canonical text (data/value_text.h)
  // is `value` in a column of ColumnType(type), or nullopt when the database
  // cannot store that value exactly (out of range, too many digits, no such
  // value).
  virtual std::optional<std::string> Literal(const DataType& type,
                                             const std::string& value) const = 0;
  // Rows of about 200 bytes a table needs before a read with parallelism > 1
  // splits it; 0 when this kind always reads in one stream.
  virtual int64_t ParallelRows() const { return 0; }
  // The statements the server runs now for other sessions of this database
  // (tributary's, while a reader streams); nullopt when the database keeps
  // no such record (the reader contract then skips the query tag).
  virtual std::optional<std::vector<std::string>> RunningStatements() { return std::nullopt; }
  // A server entry for the same database that logs in with a password;
  // nullopt when the kind has no password.
  virtual std::optional<PasswordLogin> PasswordServer(const std::filesystem::path& project_dir) {
    (void)project_dir;
    return std::nullopt;
  }
};

struct TestSourceKind {
  std::string name;
  std::function<std::unique_ptr<TestSource>(const std::filesystem::path& project_dir)> make;
};

// Names the kind in test parameters' descriptions.
inline void PrintTo(const TestSourceKind& kind, std::ostream* out) { *out << kind.name; }

// Every kind the suites run against.
std::vector<TestSourceKind> TestSourceKinds();

}  // namespace tributary::testing
