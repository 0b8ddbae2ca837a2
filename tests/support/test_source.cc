#include "support/test_source.h"

#include "support/quickstart.h"

namespace tributary::testing {
namespace {

class SqliteTestSource final : public TestSource {
 public:
  explicit SqliteTestSource(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_ / "data");
  }
  void Exec(const std::string& sql) override { SqliteExec(dir_ / "data" / "src.db", sql); }
  ServerConfig Server(const std::filesystem::path&) override {
    return ServerConfig{"src", "sqlite", {{"directory", "data"}}, {}};
  }
  std::string Database() const override { return "src.db"; }
  std::string Schema() const override { return "main"; }

 private:
  std::filesystem::path dir_;
};

}  // namespace

std::vector<TestSourceKind> TestSourceKinds() {
  return {
      {"sqlite",
       [](const std::filesystem::path& dir) { return std::make_unique<SqliteTestSource>(dir); }},
  };
}

}  // namespace tributary::testing
