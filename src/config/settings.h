// Every configuration key, declared once: where it may appear, its type,
// whether it is required, its default and what it means. Validation checks
// against this table and docs/configuration.md is generated from it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace tributary {

enum class ValueType { kString, kInteger, kBoolean, kStringList, kMapping, kList, kSecret };

struct Setting {
  const char* scope;  // "project", "sink", "sink.<kind>", "server", "server.<kind>", "table", …
  const char* key;
  ValueType type;
  bool required;
  const char* default_value;  // "" when none
  const char* strategies;     // table options: the strategies it applies to ("" = all)
  const char* doc;
};

const std::vector<Setting>& AllSettings();

// Keys valid in `scope` (for table entries, those valid for `strategy`).
std::vector<const Setting*> SettingsFor(std::string_view scope, std::string_view strategy = "");
// Every key valid in `scope` for any strategy (to tell "not valid for this
// strategy" apart from "unknown").
std::vector<std::string> KeyNames(std::string_view scope, std::string_view strategy = "");

const char* ValueTypeName(ValueType type);

// The markdown reference of every key, grouped by scope.
std::string RenderConfigReference();

}  // namespace tributary
