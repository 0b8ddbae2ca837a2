#include "config/secrets.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "common/error.h"

namespace tributary {
namespace {

std::filesystem::path SecretPath(const SecretReference& ref,
                                 const std::filesystem::path& project_dir) {
  std::filesystem::path p(ref.name);
  return p.is_absolute() ? p : project_dir / p;
}

std::string Describe(const SecretReference& ref) { return "${" + ref.kind + ":" + ref.name + "}"; }

}  // namespace

std::vector<SecretReference> FindSecretReferences(std::string_view value) {
  std::vector<SecretReference> refs;
  for (size_t at = value.find("${"); at != std::string_view::npos; at = value.find("${", at + 2)) {
    size_t end = value.find('}', at);
    if (end == std::string_view::npos) {
      throw ConfigError("unterminated secret reference: '${' without a closing '}'");
    }
    std::string_view body = value.substr(at + 2, end - at - 2);
    size_t colon = body.find(':');
    std::string kind(body.substr(0, colon));
    if (colon == std::string_view::npos || (kind != "env" && kind != "file") ||
        colon + 1 == body.size()) {
      throw ConfigError("bad secret reference '${" + std::string(body) +
                        "}': use ${env:NAME} or ${file:PATH}");
    }
    refs.push_back({kind, std::string(body.substr(colon + 1)), at});
  }
  return refs;
}

std::string CheckSecretReference(const SecretReference& ref,
                                 const std::filesystem::path& project_dir) {
  if (ref.kind == "env") {
    return std::getenv(ref.name.c_str()) == nullptr
               ? "environment variable " + ref.name + " is not set"
               : "";
  }
  auto path = SecretPath(ref, project_dir);
  std::ifstream in(path);
  return in ? "" : "secret file " + path.string() + " cannot be read";
}

std::string ResolveSecrets(std::string_view value, const std::filesystem::path& project_dir) {
  std::string out;
  size_t copied = 0;
  for (const auto& ref : FindSecretReferences(value)) {
    out.append(value.substr(copied, ref.offset - copied));
    if (std::string why = CheckSecretReference(ref, project_dir); !why.empty()) {
      throw ConfigError("cannot resolve " + Describe(ref) + ": " + why);
    }
    if (ref.kind == "env") {
      out += std::getenv(ref.name.c_str());
    } else {
      std::ifstream in(SecretPath(ref, project_dir), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      std::string text = ss.str();
      while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
      out += text;
    }
    copied = value.find('}', ref.offset) + 1;
  }
  out.append(value.substr(copied));
  return out;
}

bool IsSecretKey(std::string_view key) {
  for (const char* word : {"password", "secret", "token", "private_key"}) {
    if (key.find(word) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace tributary
