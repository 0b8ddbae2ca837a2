#include "config/yaml_reader.h"

#include <fmt/format.h>

#include <set>

#include "common/did_you_mean.h"

namespace tributary {

std::string DescribeNode(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  return "'" + node.Scalar() + "'";
}

YamlReader::YamlReader(std::filesystem::path path, std::string display, Diagnostics& diagnostics)
    : path_(std::move(path)), display_(std::move(display)), diagnostics_(diagnostics) {}

std::optional<YAML::Node> YamlReader::Load() {
  try {
    return YAML::LoadFile(path_.string());
  } catch (const YAML::ParserException& e) {
    diagnostics_.Error({display_, e.mark.line + 1, e.mark.column + 1},
                       "YAML syntax error: " + e.msg,
                       "check indentation, quoting and colons around this place");
  } catch (const YAML::Exception& e) {
    diagnostics_.Error({display_, 0, 0}, "cannot read the file: " + e.msg);
  }
  return std::nullopt;
}

SourceLocation YamlReader::At(const YAML::Node& node) const {
  auto mark = node.Mark();
  if (mark.is_null()) return {display_, 0, 0};
  return {display_, mark.line + 1, mark.column + 1};
}

SourceLocation YamlReader::AtOffset(const YAML::Node& scalar, int offset) const {
  SourceLocation where = At(scalar);
  if (where.line == 0) return where;
  bool quoted = scalar.Tag() == "!";
  where.column += offset + (quoted ? 1 : 0);
  return where;
}

void YamlReader::Error(const YAML::Node& node, std::string message, std::string hint) {
  diagnostics_.Error(At(node), std::move(message), std::move(hint));
}

void YamlReader::Warning(const YAML::Node& node, std::string message, std::string hint) {
  diagnostics_.Warning(At(node), std::move(message), std::move(hint));
}

bool YamlReader::CheckMapping(const YAML::Node& node, const std::string& scope,
                              const std::string& strategy, const std::string& what) {
  if (!node.IsMap()) {
    Error(node, fmt::format("{} must be a mapping of keys to values, found {}", what,
                            DescribeNode(node)));
    return false;
  }
  auto known = KeyNames(scope, strategy);
  auto any_strategy = KeyNames(scope);
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    std::string key = it->first.Scalar();
    if (!seen.insert(key).second) {
      Error(it->first, fmt::format("'{}' is given twice in {}", key, what), "keep one of them");
    } else if (std::find(known.begin(), known.end(), key) != known.end()) {
      continue;
    } else if (std::find(any_strategy.begin(), any_strategy.end(), key) != any_strategy.end()) {
      Error(it->first, fmt::format("'{}' is not valid for strategy '{}'", key, strategy),
            "remove it, or move the table to the folder of a strategy that takes it "
            "(see docs/configuration.md)");
    } else {
      Error(it->first, fmt::format("unknown key '{}' in {}{}", key, what, DidYouMean(key, known)),
            "valid keys here: " + JoinNames(known));
    }
  }
  for (const auto* s : SettingsFor(scope, strategy)) {
    if (s->required && !node[s->key]) {
      Error(node, fmt::format("{} is missing the required key '{}'", what, s->key), s->doc);
    }
  }
  return true;
}

void YamlReader::CheckUniqueKeys(const YAML::Node& node, const std::string& what) {
  if (!node.IsMap()) return;
  std::set<std::string> seen;
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!seen.insert(it->first.Scalar()).second) {
      Error(it->first, fmt::format("{} '{}' is declared twice", what, it->first.Scalar()),
            "keep one of them");
    }
  }
}

std::optional<std::string> YamlReader::String(const YAML::Node& map, const char* key) {
  YAML::Node v = map[key];
  if (!v) return std::nullopt;
  if (!v.IsScalar() || v.Scalar().empty()) {
    Error(v.IsNull() ? map : v,
          fmt::format("'{}' must be a non-empty string, found {}", key, DescribeNode(v)));
    return std::nullopt;
  }
  return v.Scalar();
}

std::optional<long long> YamlReader::Integer(const YAML::Node& map, const char* key, long long min,
                                             long long max) {
  YAML::Node v = map[key];
  if (!v) return std::nullopt;
  long long value = 0;
  if (!v.IsScalar() || !YAML::convert<long long>::decode(v, value)) {
    Error(v, fmt::format("'{}' must be a whole number, found {}", key, DescribeNode(v)));
    return std::nullopt;
  }
  if (value < min || value > max) {
    Error(v, fmt::format("'{}' is {}; it must be between {} and {}", key, value, min, max));
    return std::nullopt;
  }
  return value;
}

std::optional<std::vector<std::string>> YamlReader::StringList(const YAML::Node& map,
                                                               const char* key) {
  YAML::Node v = map[key];
  if (!v) return std::nullopt;
  if (!v.IsSequence()) {
    Error(v.IsNull() ? map : v,
          fmt::format("'{}' must be a list like [a, b], found {}", key, DescribeNode(v)));
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const auto& item : v) {
    if (!item.IsScalar() || item.Scalar().empty()) {
      Error(item, fmt::format("items of '{}' must be names, found {}", key, DescribeNode(item)));
      return std::nullopt;
    }
    out.push_back(item.Scalar());
  }
  return out;
}

std::optional<std::map<std::string, std::string>> YamlReader::StringMap(const YAML::Node& map,
                                                                        const char* key) {
  YAML::Node v = map[key];
  if (!v) return std::nullopt;
  if (!v.IsMap()) {
    Error(v.IsNull() ? map : v,
          fmt::format("'{}' must be a mapping of names to values, found {}", key, DescribeNode(v)));
    return std::nullopt;
  }
  CheckUniqueKeys(v, fmt::format("'{}' key", key));
  std::map<std::string, std::string> out;
  for (auto it = v.begin(); it != v.end(); ++it) {
    if (!it->second.IsScalar()) {
      Error(it->second, fmt::format("'{}' in '{}' must be a single value, found {}",
                                    it->first.Scalar(), key, DescribeNode(it->second)));
      return std::nullopt;
    }
    out[it->first.Scalar()] = it->second.Scalar();
  }
  return out;
}

YAML::Node YamlReader::Sequence(const YAML::Node& map, const char* key) {
  YAML::Node v = map[key];
  if (!v) return YAML::Node();
  if (!v.IsSequence()) {
    Error(v.IsNull() ? map : v,
          fmt::format("'{}' must be a list ('- ' items), found {}", key, DescribeNode(v)));
    return YAML::Node();
  }
  return v;
}

}  // namespace tributary
