// One harness per sink kind, so a single contract suite
// (tests/sink/sink_contract_test.cc) runs unchanged against every sink: each
// harness opens its sink over throwaway storage and reads tables back in
// canonical value text (source/value_text.h) through the sink's native
// readers (DuckDB SQL, an independent Delta log reader, PostgreSQL SQL).
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "data/batch.h"
#include "sink/sink.h"
#include "support/temp_dir.h"

namespace tributary::testing {

class SinkHarness {
 public:
  virtual ~SinkHarness() = default;
  virtual std::string Kind() const = 0;
  // Where the storage is, so a child process can open the same sink
  // (OpenHarness(Kind(), Location())).
  virtual std::string Location() const = 0;

  Sink& sink() { return *sink_; }
  // Closes the sink and opens it again over the same storage (a restart).
  void Reopen() {
    sink_.reset();
    sink_ = Open();
  }
  // Closes the sink (e.g. so that another process may open its storage).
  void Close() { sink_.reset(); }

  // The rows of `table`: `columns` rendered as canonical value text of their
  // stored types, joined by '|' ("NULL" for null), ordered by `order_by`
  // (a column list). Empty when the table does not exist. Safe to call from
  // another thread while a load runs.
  virtual std::vector<std::string> Rows(const std::string& table,
                                        const std::vector<std::string>& columns,
                                        const std::string& order_by) = 0;
  // The type a column written as `type` has in the sink (DescribeTable).
  virtual DataType Stored(const DataType& type) const = 0;
  // The canonical text a value (row `row` of `column`) reads back as.
  virtual std::string Expected(const Column& column, size_t row);

 protected:
  virtual std::unique_ptr<Sink> Open() = 0;
  void Start() { sink_ = Open(); }

 private:
  std::unique_ptr<Sink> sink_;
};

// Kinds the contract suite runs against.
std::vector<std::string> HarnessKinds();
// A harness over fresh storage, or (with `location`) over existing storage;
// nullptr when the kind needs an emulator this machine lacks (HarnessMissing
// says which).
std::unique_ptr<SinkHarness> OpenHarness(const std::string& kind, const std::string& location = "");
std::string HarnessMissing(const std::string& kind);

}  // namespace tributary::testing
