// A JSON Schema checker for the keywords the Databricks bundle schema uses
// ($ref into nested $defs, type, enum, const, properties, required,
// additionalProperties, items, oneOf, anyOf, allOf, pattern), so exported
// job files are validated in tests without a service. The schema's patterns
// use \p{L} and \p{N}, which std::regex lacks: they are read as ASCII
// letters and digits, enough for the ${var.…} interpolations they match.
#pragma once

#include <yaml-cpp/yaml.h>

#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

namespace tributary::testing {

class SchemaChecker {
 public:
  explicit SchemaChecker(nlohmann::json schema) : root_(std::move(schema)) {}

  // Every violation as "path: what"; empty when `doc` is valid.
  std::vector<std::string> Check(const nlohmann::json& doc) const {
    std::vector<std::string> problems;
    Check(root_, doc, "$", problems);
    return problems;
  }

 private:
  using json = nlohmann::json;

  void Check(const json& schema, const json& doc, const std::string& path,
             std::vector<std::string>& out) const {
    if (schema.is_boolean()) {
      if (!schema.get<bool>()) out.push_back(path + ": not allowed");
      return;
    }
    if (schema.contains("$ref")) Check(Resolve(schema["$ref"]), doc, path, out);
    if (schema.contains("type") && !TypeMatches(schema["type"], doc)) {
      out.push_back(path + ": expected " + schema["type"].dump() + ", found " + doc.dump());
      return;
    }
    if (schema.contains("enum") &&
        std::find(schema["enum"].begin(), schema["enum"].end(), doc) == schema["enum"].end()) {
      out.push_back(path + ": " + doc.dump() + " is not one of " + schema["enum"].dump());
    }
    if (schema.contains("const") && schema["const"] != doc) {
      out.push_back(path + ": must be " + schema["const"].dump());
    }
    if (schema.contains("pattern") && doc.is_string() &&
        !std::regex_search(doc.get<std::string>(), Regex(schema["pattern"]))) {
      out.push_back(path + ": " + doc.dump() + " does not match " + schema["pattern"].dump());
    }
    if (doc.is_object()) CheckObject(schema, doc, path, out);
    if (doc.is_array() && schema.contains("items")) {
      for (size_t i = 0; i < doc.size(); ++i) {
        Check(schema["items"], doc[i], path + "[" + std::to_string(i) + "]", out);
      }
    }
    CheckCombinations(schema, doc, path, out);
  }

  void CheckObject(const json& schema, const json& doc, const std::string& path,
                   std::vector<std::string>& out) const {
    for (const auto& key : schema.value("required", json::array())) {
      if (!doc.contains(key.get<std::string>())) out.push_back(path + ": missing " + key.dump());
    }
    const json properties = schema.value("properties", json::object());
    for (const auto& [key, value] : doc.items()) {
      if (properties.contains(key)) {
        Check(properties[key], value, path + "." + key, out);
      } else if (schema.contains("additionalProperties")) {
        Check(schema["additionalProperties"], value, path + "." + key, out);
      }
    }
  }

  void CheckCombinations(const json& schema, const json& doc, const std::string& path,
                         std::vector<std::string>& out) const {
    for (const char* keyword : {"oneOf", "anyOf", "allOf"}) {
      if (!schema.contains(keyword)) continue;
      size_t matched = 0;
      std::vector<std::string> why;
      for (const auto& branch : schema[keyword]) {
        std::vector<std::string> problems;
        Check(branch, doc, path, problems);
        if (problems.empty()) ++matched;
        why.insert(why.end(), problems.begin(), problems.end());
      }
      size_t n = schema[keyword].size();
      bool ok = std::string(keyword) == "oneOf"   ? matched == 1
                : std::string(keyword) == "anyOf" ? matched >= 1
                                                  : matched == n;
      if (ok) continue;
      std::string message = path + ": " + keyword + " matched " + std::to_string(matched) + " of " +
                            std::to_string(n);
      for (const auto& w : why) message += "\n    " + w;
      out.push_back(message);
    }
  }

  static bool TypeMatches(const json& type, const json& doc) {
    if (type.is_array()) {
      return std::any_of(type.begin(), type.end(),
                         [&](const json& t) { return TypeMatches(t, doc); });
    }
    const std::string t = type.get<std::string>();
    if (t == "object") return doc.is_object();
    if (t == "array") return doc.is_array();
    if (t == "string") return doc.is_string();
    if (t == "boolean") return doc.is_boolean();
    if (t == "null") return doc.is_null();
    if (t == "integer") return doc.is_number_integer();
    if (t == "number") return doc.is_number();
    return false;
  }

  // "#/$defs/github.com/databricks/…": a JSON pointer into the schema.
  const json& Resolve(const json& ref) const {
    const std::string text = ref.get<std::string>();
    const json* node = &root_;
    size_t at = 2;  // after "#/"
    while (at <= text.size()) {
      size_t end = text.find('/', at);
      if (end == std::string::npos) end = text.size();
      std::string part = text.substr(at, end - at);
      for (size_t p; (p = part.find("~1")) != std::string::npos;) part.replace(p, 2, "/");
      for (size_t p; (p = part.find("~0")) != std::string::npos;) part.replace(p, 2, "~");
      node = &node->at(part);
      at = end + 1;
    }
    return *node;
  }

  const std::regex& Regex(const json& pattern) const {
    std::string text = pattern.get<std::string>();
    auto it = regexes_.find(text);
    if (it != regexes_.end()) return it->second;
    return regexes_.emplace(text, std::regex(Ascii(text))).first->second;
  }

  // \p{L} and \p{N} as ASCII classes, bracketed or not as where they stand.
  static std::string Ascii(const std::string& pattern) {
    std::string out;
    bool in_class = false;
    for (size_t i = 0; i < pattern.size(); ++i) {
      char c = pattern[i];
      if (c == '\\' && pattern.compare(i, 5, "\\p{L}") == 0) {
        out += in_class ? "A-Za-z" : "[A-Za-z]";
        i += 4;
      } else if (c == '\\' && pattern.compare(i, 5, "\\p{N}") == 0) {
        out += in_class ? "0-9" : "[0-9]";
        i += 4;
      } else if (c == '\\' && i + 1 < pattern.size()) {
        out += pattern.substr(i++, 2);
      } else {
        if (c == '[') in_class = true;
        if (c == ']') in_class = false;
        out += c;
      }
    }
    return out;
  }

  json root_;
  mutable std::map<std::string, std::regex> regexes_;
};

// YAML as JSON with YAML 1.2 core types: quoted scalars stay strings; plain
// ones become booleans, integers, floats or null when they read as such.
inline nlohmann::json YamlToJson(const YAML::Node& node) {
  if (node.IsMap()) {
    nlohmann::json out = nlohmann::json::object();
    for (auto it = node.begin(); it != node.end(); ++it) {
      out[it->first.Scalar()] = YamlToJson(it->second);
    }
    return out;
  }
  if (node.IsSequence()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : node) out.push_back(YamlToJson(item));
    return out;
  }
  if (!node.IsDefined() || node.IsNull()) return nullptr;
  const std::string& s = node.Scalar();
  if (node.Tag() == "!") return s;  // quoted
  if (s == "true" || s == "false") return s == "true";
  if (std::regex_match(s, std::regex("[-+]?[0-9]+"))) return std::stoll(s);
  if (std::regex_match(s, std::regex(R"([-+]?([0-9]*\.[0-9]+|[0-9]+\.)([eE][-+]?[0-9]+)?)"))) {
    return std::stod(s);
  }
  return s;
}

}  // namespace tributary::testing
