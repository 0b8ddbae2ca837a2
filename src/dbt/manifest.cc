#include "dbt/manifest.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <regex>
#include <string_view>

#include "common/files.h"
#include "dbt/dbt_error.h"

namespace tributary {
namespace {

using nlohmann::json;

// v8 manifests written on Windows keep '\' in paths; tributary shows '/'.
std::string Slashes(std::string path) {
  std::replace(path.begin(), path.end(), '\\', '/');
  return path;
}

std::string Text(const json& node, const char* key) {
  auto it = node.find(key);
  return it != node.end() && it->is_string() ? it->get<std::string>() : "";
}

std::vector<std::string> Strings(const json& node, const char* key) {
  std::vector<std::string> out;
  auto it = node.find(key);
  if (it == node.end()) return out;
  if (it->is_string()) out.push_back(it->get<std::string>());  // `tags: "hourly"`
  if (!it->is_array()) return out;
  for (const auto& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

void AddUnique(std::vector<std::string>& to, const std::vector<std::string>& values) {
  for (const auto& v : values) {
    if (std::find(to.begin(), to.end(), v) == to.end()) to.push_back(v);
  }
}

int SchemaVersion(const json& root, const std::string& display) {
  std::string url;
  if (auto m = root.find("metadata"); m != root.end() && m->is_object()) {
    url = Text(*m, "dbt_schema_version");
  }
  static const std::regex kVersion(R"(/manifest/v(\d+)\.json)");
  std::smatch match;
  if (!std::regex_search(url, match, kVersion)) {
    throw DbtError(
        fmt::format("{}: not a dbt manifest (metadata.dbt_schema_version is '{}')", display, url));
  }
  int version = std::stoi(match[1]);
  if (version < 8) {
    throw DbtError(
        fmt::format("{}: manifest schema v{} is older than tributary reads (v8, dbt "
                    "1.4)",
                    display, version));
  }
  return version;
}

// FNV-1a, 64 bits: a stable change detector (not a security hash).
class Fnv {
 public:
  void Add(std::string_view text) {
    for (unsigned char c : text) hash_ = (hash_ ^ c) * 0x100000001b3ULL;
    hash_ = (hash_ ^ 0xff) * 0x100000001b3ULL;  // separates the parts
  }
  std::string Hex() const { return fmt::format("{:016x}", hash_); }

 private:
  uint64_t hash_ = 0xcbf29ce484222325ULL;
};

std::string Fingerprint(const json& node, const json& macros) {
  Fnv fnv;
  if (auto c = node.find("checksum"); c != node.end() && c->is_object()) {
    fnv.Add(Text(*c, "checksum"));
  }
  if (auto c = node.find("config"); c != node.end()) fnv.Add(c->dump());
  if (auto d = node.find("depends_on"); d != node.end() && d->is_object()) {
    for (const auto& id : Strings(*d, "macros")) {
      fnv.Add(id);
      if (auto m = macros.find(id); m != macros.end() && m->is_object()) {
        fnv.Add(Text(*m, "macro_sql"));
      }
    }
  }
  return fnv.Hex();
}

DbtModel ReadModel(const json& node, const json& macros) {
  DbtModel m;
  m.unique_id = Text(node, "unique_id");
  m.name = Text(node, "name");
  m.package = Text(node, "package_name");
  m.fqn = Strings(node, "fqn");
  m.file = Slashes(Text(node, "original_file_path"));
  if (auto c = node.find("config"); c != node.end() && c->is_object()) {
    m.materialized = Text(*c, "materialized");
    m.tags = Strings(*c, "tags");
  }
  AddUnique(m.tags, Strings(node, "tags"));
  if (auto d = node.find("depends_on"); d != node.end() && d->is_object()) {
    for (const auto& id : Strings(*d, "nodes")) {
      if (id.rfind("model.", 0) == 0) AddUnique(m.upstream_models, {id});
      if (id.rfind("source.", 0) == 0) AddUnique(m.upstream_sources, {id});
      m.reads_other |= id.rfind("model.", 0) != 0 && id.rfind("source.", 0) != 0;
    }
  }
  m.fingerprint = Fingerprint(node, macros);
  return m;
}

DbtSource ReadSource(const json& node) {
  DbtSource s;
  s.unique_id = Text(node, "unique_id");
  s.source_name = Text(node, "source_name");
  s.name = Text(node, "name");
  s.database = Text(node, "database");
  s.schema = Text(node, "schema");
  s.identifier = Text(node, "identifier");
  if (s.identifier.empty()) s.identifier = s.name;
  s.file = Slashes(Text(node, "original_file_path"));
  return s;
}

}  // namespace

const DbtModel* Manifest::FindModel(const std::string& unique_id) const {
  auto it =
      std::lower_bound(models.begin(), models.end(), unique_id,
                       [](const DbtModel& m, const std::string& id) { return m.unique_id < id; });
  return it != models.end() && it->unique_id == unique_id ? &*it : nullptr;
}

Manifest ParseManifest(const std::string& text, const std::string& display) {
  json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object()) {
    throw DbtError(display + ": not valid JSON; run `dbt parse` to write it again");
  }
  Manifest manifest;
  manifest.schema_version = SchemaVersion(root, display);
  if (auto m = root.find("metadata"); m != root.end()) {
    manifest.project_name = Text(*m, "project_name");
  }
  static const json kNoMacros = json::object();
  auto macros = root.find("macros");
  const json& macro_nodes = macros != root.end() && macros->is_object() ? *macros : kNoMacros;
  if (auto nodes = root.find("nodes"); nodes != root.end() && nodes->is_object()) {
    for (const auto& [id, node] : nodes->items()) {
      if (node.is_object() && Text(node, "resource_type") == "model") {
        manifest.models.push_back(ReadModel(node, macro_nodes));
      }
    }
  }
  if (auto sources = root.find("sources"); sources != root.end() && sources->is_object()) {
    for (const auto& [id, node] : sources->items()) {
      if (node.is_object()) manifest.sources.emplace(id, ReadSource(node));
    }
  }
  std::sort(manifest.models.begin(), manifest.models.end(),
            [](const DbtModel& a, const DbtModel& b) { return a.unique_id < b.unique_id; });
  return manifest;
}

Manifest LoadManifest(const std::filesystem::path& path) {
  std::optional<std::string> text;
  try {
    text = ReadWholeFile(path);
  } catch (const Error& e) {
    throw DbtError(e.what());
  }
  if (!text) throw DbtError(path.string() + ": no such file; run `dbt parse` to write it");
  return ParseManifest(*text, path.string());
}

}  // namespace tributary
