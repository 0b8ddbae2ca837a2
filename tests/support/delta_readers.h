// Independent Delta readers run as Python programs (tests/interop/): delta-rs
// (`deltalake`) and Apache Spark with delta-spark, from the project's virtual
// environment (scripts/install-tools.sh). This is how a test finds and runs
// them, and the text they render values in (tests/interop/reader_text.py),
// so that what they read can be compared with what a test wrote.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "data/batch.h"

namespace tributary::testing {

enum class DeltaReader { kDeltaRs, kSpark };

// Why `reader` cannot run here ("deltalake is not installed in .venv"), or
// empty when it can. Checked once per process.
std::string MissingReader(DeltaReader reader);
// Whether this is a CI run (CI=true), where a missing reader fails the test.
bool ReadersRequired();

// Runs tests/interop/`script` with `args` under the virtual environment's
// Python; returns its stdout parsed as JSON. Throws std::runtime_error with
// the script's stderr when it fails.
nlohmann::json RunReaderScript(const std::string& script, const std::vector<std::string>& args);
// Like RunReaderScript, for scripts that write their JSON to `out` instead.
nlohmann::json RunReaderScriptTo(const std::string& script, const std::vector<std::string>& args,
                                 const std::filesystem::path& out);

// A value in a reader's text (reader_text.py): nullopt for NULL.
using ReaderValue = std::optional<std::string>;
using ReaderRow = std::vector<ReaderValue>;

// The reader text of the value at `row` of `column` as a Delta reader must
// return it after tributary stored it: dates as days, timestamps as
// microseconds, binary as hex, interval as its ISO 8601 text.
ReaderValue ReaderText(const Column& column, size_t row);
// Whether a reader's `actual` (a JSON string or null) is `expected` for a
// column of `type`: floating-point numbers compare as numbers (NaN equals
// NaN, a real compares at single precision), decimals by value.
bool SameReaderValue(const DataType& type, const ReaderValue& expected,
                     const nlohmann::json& actual);

// Every difference between the rows a reader returned (`actual`, a JSON array
// of arrays) and `expected`, one message each naming row and column.
std::vector<std::string> CompareReaderRows(const Schema& schema,
                                           const std::vector<ReaderRow>& expected,
                                           const nlohmann::json& actual);

// Every difference between tributary's live add actions of a table (raw log
// lines, delta_checker.h's DeltaLiveAdds) and the add actions delta-rs
// reports (delta_rs_read.py's "adds"): paths, sizes, numRecords, and per
// column nullCount, minValues, maxValues and partition values.
std::vector<std::string> CompareAddStats(const Schema& schema,
                                         const std::vector<std::string>& our_adds,
                                         const nlohmann::json& reader_adds);

}  // namespace tributary::testing

// Call at the top of a test that needs `reader` (a DeltaReader): fails under
// CI=true (the install script must have provided it), skips elsewhere.
#define TRIBUTARY_REQUIRE_READER(reader)                                              \
  do {                                                                                \
    std::string tributary_missing = ::tributary::testing::MissingReader(reader);      \
    if (!tributary_missing.empty()) {                                                 \
      if (::tributary::testing::ReadersRequired()) {                                  \
        FAIL() << tributary_missing << ": run scripts/install-tools.sh";              \
      }                                                                               \
      GTEST_SKIP() << tributary_missing << " (install it: scripts/install-tools.sh)"; \
    }                                                                                 \
  } while (0)
