// libFuzzer target for the configuration loader (STYLE §10): whatever bytes a
// user's tributary.yml or ingest file holds, LoadProject must report them as
// diagnostics and never crash, hang or throw (loader.h: "Never throws for a
// problem in the configuration").
//
// Input format: the text before the first "\n#---\n" is tributary.yml, the
// text after it is ingest/full/shop/shop.yml. Without the marker the whole
// input is tributary.yml and the ingest file is a small valid one, so both
// files are mutated. make_corpus.sh builds the seeds from the golden cases.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "config/loader.h"

namespace {

namespace fs = std::filesystem;

constexpr std::string_view kMarker = "\n#---\n";
constexpr std::string_view kDefaultIngest =
    "server: shop\ndatabase: shop.db\nschemas:\n  - name: main\n    tables:\n"
    "      - name: customers\n";

// One project folder per process, rewritten for every input.
const fs::path& ProjectDir() {
  static const fs::path dir = [] {
    std::string pattern = (fs::temp_directory_path() / "tributary-fuzz-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    fs::create_directories(fs::path(pattern) / "ingest" / "full" / "shop");
    return fs::path(pattern);
  }();
  return dir;
}

void Write(const fs::path& path, std::string_view text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  if (!out) std::abort();
}

[[noreturn]] void Fail(const char* what, const char* detail) {
  std::fprintf(stderr, "config_fuzz: %s: %s\n", what, detail);
  std::abort();
}

// Every diagnostic must say where and what; an error must block the run.
void CheckResult(const tributary::LoadResult& result) {
  for (const auto& d : result.diagnostics.Sorted()) {
    if (d.where.file.empty()) Fail("a diagnostic names no file", d.message.c_str());
    if (d.message.empty()) Fail("an empty diagnostic at", d.where.file.c_str());
  }
  if (!result.project && !result.diagnostics.HasErrors()) {
    Fail("no project and no error", "LoadProject must explain why it built nothing");
  }
  // Both renderings must cope with whatever bytes the messages quote.
  result.diagnostics.RenderText();
  result.diagnostics.RenderJson();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t cut = input.find(kMarker);
  std::string_view project_file = input.substr(0, cut);
  std::string_view ingest_file =
      cut == std::string_view::npos ? kDefaultIngest : input.substr(cut + kMarker.size());
  const fs::path& dir = ProjectDir();
  Write(dir / "tributary.yml", project_file);
  Write(dir / "ingest" / "full" / "shop" / "shop.yml", ingest_file);
  try {
    CheckResult(tributary::LoadProject(dir));
  } catch (const std::exception& e) {
    Fail("LoadProject threw", e.what());
  } catch (...) {
    Fail("LoadProject threw", "an exception that is not a std::exception");
  }
  return 0;
}
