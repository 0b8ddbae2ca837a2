// scripts/check-layers.py, the include-rule check of src/README.md: the real
// tree passes, and each kind of backward edge in a small tree is reported
// at its file:line.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "support/process.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kScript = std::string(TRIBUTARY_SOURCE_DIR) + "/scripts/check-layers.py";

class LayersTest : public ::testing::Test {
 protected:
  void Write(const std::string& rel, const std::string& text) {
    fs::path path = dir_ / "src" / rel;
    fs::create_directories(path.parent_path());
    std::ofstream(path) << text;
  }
  testing::ProcessResult Check() {
    return testing::RunProcess({"python3", kScript, (dir_ / "src").string()});
  }
  testing::TempDir dir_;
};

TEST_F(LayersTest, TheTreePasses) {
  auto r = testing::RunProcess({"python3", kScript, std::string(TRIBUTARY_SOURCE_DIR) + "/src"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(LayersTest, AllowedEdgesPass) {
  Write("common/error.h", "#pragma once\n");
  Write("source/source.h", "#include \"common/error.h\"\n");
  Write("clients/postgres/pg_connection.h", "#include \"common/error.h\"\n");
  Write("source/postgres/pg_source.cc",
        "#include \"source/source.h\"\n#include \"clients/postgres/pg_connection.h\"\n");
  Write("source/odbc/odbc_connection.h", "#pragma once\n");
  Write("source/sqlserver/sqlserver_source.cc", "#include \"source/odbc/odbc_connection.h\"\n");
  Write("engine/connectors.cc", "#include \"source/postgres/pg_source.h\"\n");
  auto r = Check();
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
}

TEST_F(LayersTest, BackwardEdgesAreReportedWhereTheyAre) {
  Write("source/postgres/x.h", "#pragma once\n");
  Write("sink/duckdb/y.h", "#pragma once\n");
  Write("clients/postgres/c.cc", "#include <libpq-fe.h>\n\n#include \"config/project.h\"\n");
  Write("common/log.cc", "#include \"data/batch.h\"\n");
  Write("engine/runner.cc", "#include \"source/postgres/x.h\"\n");
  Write("clients/duckdb/duckdb_sql.h", "#pragma once\n");
  Write("sink/postgres/p.cc", "#include \"clients/duckdb/duckdb_sql.h\"\n");
  Write("source/sqlite/s.cc", "#include \"sink/duckdb/y.h\"\n");
  auto r = Check();
  EXPECT_EQ(r.exit_code, 1) << r.out;
  EXPECT_THAT(r.out, HasSubstr("src/clients/postgres/c.cc:3: clients/postgres may not include"));
  EXPECT_THAT(r.out, HasSubstr("src/common/log.cc:1: common may not include data/batch.h"));
  EXPECT_THAT(r.out, HasSubstr("src/engine/runner.cc:1:"));    // only connectors.cc may
  EXPECT_THAT(r.out, HasSubstr("src/sink/postgres/p.cc:1:"));  // another database's client
  EXPECT_THAT(r.out, HasSubstr("src/source/sqlite/s.cc:1:"));
  EXPECT_THAT(r.err, HasSubstr("5 include(s) break the room rules"));
  EXPECT_THAT(r.out, Not(HasSubstr("libpq-fe.h")));
}

}  // namespace
}  // namespace tributary
