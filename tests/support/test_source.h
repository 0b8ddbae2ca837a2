// The sources the strategy suites run against, behind one small interface so
// every strategy test runs unchanged on each database that can run here.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "config/project.h"

namespace tributary::testing {

// A database with one writable schema, reachable as a tributary server.
class TestSource {
 public:
  virtual ~TestSource() = default;
  // Runs SQL that both SQLite and PostgreSQL understand (several statements
  // allowed; waits for locks held by other connections).
  virtual void Exec(const std::string& sql) = 0;
  // The first column of every row of `sql`, as text ("NULL" for null).
  virtual std::vector<std::string> Values(const std::string& sql) = 0;
  // The server entry (its settings relative to `project_dir`).
  virtual ServerConfig Server(const std::filesystem::path& project_dir) = 0;
  virtual std::string Database() const = 0;
  virtual std::string Schema() const = 0;  // "main", "public"
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
