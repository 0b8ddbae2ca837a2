// Reading one YAML file of the project while collecting every problem, each
// at its file:line:column, instead of stopping at the first.
#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostics.h"
#include "config/settings.h"

namespace tributary {

class YamlReader {
 public:
  // `display` is the path shown in diagnostics (relative to the project).
  YamlReader(std::filesystem::path path, std::string display, Diagnostics& diagnostics);

  // Parses the file; reports it and returns nullopt when it cannot be read
  // (missing, a folder), is not UTF-8, has a syntax error, nests past
  // yaml-cpp's limit, or leaves a quote open (which yaml-cpp accepts).
  std::optional<YAML::Node> Load();

  SourceLocation At(const YAML::Node& node) const;
  // Where the value of `key` in `map` is written, or the key itself when the
  // value is empty (an empty value's mark is the next token, often a line on).
  SourceLocation AtValue(const YAML::Node& map, const char* key) const;
  // Location of the character `offset` bytes into a scalar (for cron
  // expressions): accounts for the opening quote of quoted scalars.
  SourceLocation AtOffset(const YAML::Node& scalar, int offset) const;
  const std::string& display() const { return display_; }
  // Whether a secret reference that cannot be resolved now is an error (the
  // default) or a warning (offline validation); see LoadOptions.
  bool secrets_must_resolve() const { return secrets_must_resolve_; }
  void set_secrets_must_resolve(bool must) { secrets_must_resolve_ = must; }

  // Checks that `node` is a mapping whose keys are all declared for `scope`
  // (and `strategy`), none repeated and every required one present.
  // Returns false when `node` is not a mapping at all.
  bool CheckMapping(const YAML::Node& node, const std::string& scope, const std::string& strategy,
                    const std::string& what);
  // Checks that every key of `node` is unique (for maps whose keys are names).
  void CheckUniqueKeys(const YAML::Node& node, const std::string& what);

  // Typed getters: report a wrong type and return nullopt; an absent key
  // returns nullopt silently (required keys are checked by CheckMapping).
  std::optional<std::string> String(const YAML::Node& map, const char* key);
  std::optional<long long> Integer(const YAML::Node& map, const char* key, long long min,
                                   long long max);
  // YAML 1.2 core booleans only (true/false in any case), so `paused: no` is
  // reported instead of silently read as a string.
  std::optional<bool> Boolean(const YAML::Node& map, const char* key);
  std::optional<std::vector<std::string>> StringList(const YAML::Node& map, const char* key);
  // A mapping of names to scalar values, e.g. table properties.
  std::optional<std::map<std::string, std::string>> StringMap(const YAML::Node& map,
                                                              const char* key);
  // The node under `key` if it is a sequence (else reports and returns null).
  YAML::Node Sequence(const YAML::Node& map, const char* key);

  void Error(const YAML::Node& node, std::string message, std::string hint = "");
  void ErrorAt(const SourceLocation& where, std::string message, std::string hint = "") {
    diagnostics_.Error(where, std::move(message), std::move(hint));
  }
  void Warning(const YAML::Node& node, std::string message, std::string hint = "");

 private:
  std::optional<std::string> ReadText();
  bool CheckEncoding(std::string_view text);
  bool CheckQuotesClosed(const YAML::Node& root, std::string_view text);

  std::filesystem::path path_;
  std::string display_;
  Diagnostics& diagnostics_;
  bool secrets_must_resolve_ = true;
};

// "a scalar", "a list", "a mapping", "nothing" — for wrong-type messages.
std::string DescribeNode(const YAML::Node& node);

}  // namespace tributary
