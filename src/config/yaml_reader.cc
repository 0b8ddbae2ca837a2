#include "config/yaml_reader.h"

#include <fmt/format.h>
#include <yaml-cpp/depthguard.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "common/did_you_mean.h"
#include "data/utf8.h"

namespace tributary {

std::string DescribeNode(const YAML::Node& node) {
  if (!node.IsDefined() || node.IsNull()) return "nothing";
  if (node.IsSequence()) return "a list";
  if (node.IsMap()) return "a mapping";
  return "'" + node.Scalar() + "'";
}

YamlReader::YamlReader(std::filesystem::path path, std::string display, Diagnostics& diagnostics)
    : path_(std::move(path)), display_(std::move(display)), diagnostics_(diagnostics) {}

namespace {

// Byte offset of the first byte that does not start a well-formed UTF-8
// sequence, or npos.
size_t FirstInvalidUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    auto c = static_cast<unsigned char>(text[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || n > text.size() - i || !IsValidUtf8(text.substr(i, n))) return i;
    i += n;
  }
  return std::string_view::npos;
}

// Where byte `offset` is, as an editor counts: 1-based line, and characters
// (not bytes) into it. REQUIRES: the text before `offset` is valid UTF-8.
SourceLocation LocateByte(std::string_view text, size_t offset, const std::string& file) {
  size_t line_start = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  line_start = line_start == std::string_view::npos || offset == 0 ? 0 : line_start + 1;
  auto line = std::count(text.begin(), text.begin() + static_cast<long>(line_start), '\n');
  auto column = std::count_if(
      text.begin() + static_cast<long>(line_start), text.begin() + static_cast<long>(offset),
      [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
  return {file, static_cast<int>(line) + 1, static_cast<int>(column) + 1};
}

// Offset of the quote closing the quoted scalar that opens at `open`, or npos
// (yaml-cpp lets an unclosed quote run to the end of the file).
size_t ClosingQuote(std::string_view text, size_t open) {
  char quote = text[open];
  for (size_t i = open + 1; i < text.size(); ++i) {
    if (quote == '"' && text[i] == '\\') {
      ++i;
    } else if (text[i] == quote) {
      if (quote == '"' || i + 1 == text.size() || text[i + 1] != '\'') return i;
      ++i;  // '' is a quote inside a single-quoted scalar
    }
  }
  return std::string_view::npos;
}

// The opening bracket at which flow collections ([ and {) first nest 100
// deep, or npos. yaml-cpp reports its nesting limit at the token it reads
// next, which for brackets is where they close (or the end of the file).
// Quoted text and comments are skipped.
size_t DeepFlowNesting(std::string_view text) {
  constexpr int kDeep = 100;  // far beyond any configuration, far below the limit
  int level = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    bool starts_token = i == 0 || std::strchr("[{,: \t\n", text[i - 1]) != nullptr;
    if ((c == '"' || c == '\'') && starts_token) {
      i = ClosingQuote(text, i);
    } else if (c == '#' && starts_token) {
      i = text.find('\n', i);
    } else if (c == '[' || c == '{') {
      if (++level == kDeep) return i;
    } else if ((c == ']' || c == '}') && level > 0) {
      --level;
    }
    if (i == std::string_view::npos) break;
  }
  return std::string_view::npos;
}

// Finds a quoted scalar whose quote is never closed, from the marks yaml-cpp
// gives (0-based line, bytes into the line; a UTF-8 BOM is not counted).
class QuoteScan {
 public:
  explicit QuoteScan(std::string_view text) : text_(text) {
    bom_ = text.substr(0, 3) == "\xEF\xBB\xBF" ? 3 : 0;
    line_starts_.push_back(0);
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n') line_starts_.push_back(i + 1);
    }
  }

  // The offset of the unclosed opening quote, or npos. Visits each node once,
  // so aliases cannot make it exponential.
  size_t Find(const YAML::Node& node) {
    YAML::Mark mark = node.Mark();
    if (!mark.is_null() && !seen_.insert({mark.pos, static_cast<int>(node.Type())}).second) {
      return std::string_view::npos;
    }
    // Plain scalars have the tag "?"; quoted ones "!" or, after a tag, that tag.
    if (node.IsScalar()) return node.Tag() != "?" ? Unclosed(mark) : std::string_view::npos;
    for (auto it = node.begin(); it != node.end(); ++it) {
      size_t found = node.IsMap() ? Find(it->first) : Find(*it);
      if (found == std::string_view::npos && node.IsMap()) found = Find(it->second);
      if (found != std::string_view::npos) return found;
    }
    return std::string_view::npos;
  }

 private:
  size_t Unclosed(const YAML::Mark& mark) const {
    if (mark.is_null() || static_cast<size_t>(mark.line) >= line_starts_.size()) {
      return std::string_view::npos;
    }
    size_t at = line_starts_[mark.line] + static_cast<size_t>(mark.column) + (mark.line ? 0 : bom_);
    while (at < text_.size() && (text_[at] == '!' || text_[at] == '&')) {  // a tag or anchor
      at = text_.find_first_of(" \t\n", at);
      at = text_.find_first_not_of(" \t", at == std::string_view::npos ? text_.size() : at);
    }
    if (at >= text_.size() || (text_[at] != '"' && text_[at] != '\'')) {
      return std::string_view::npos;
    }
    return ClosingQuote(text_, at) == std::string_view::npos ? at : std::string_view::npos;
  }

  std::string_view text_;
  size_t bom_ = 0;
  std::vector<size_t> line_starts_;
  std::set<std::pair<int, int>> seen_;
};

}  // namespace

std::optional<std::string> YamlReader::ReadText() {
  std::error_code ec;
  if (std::filesystem::is_directory(path_, ec)) {
    diagnostics_.Error({display_, 0, 0}, display_ + " is a folder, not a file",
                       "tributary reads a YAML file at this path: rename or remove the folder");
    return std::nullopt;
  }
  std::ifstream in(path_, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in || in.bad()) {
    diagnostics_.Error({display_, 0, 0}, "cannot read the file",
                       "check that it exists and that you may read it");
    return std::nullopt;
  }
  return std::move(text).str();
}

bool YamlReader::CheckEncoding(std::string_view text) {
  size_t bad = FirstInvalidUtf8(text);
  if (bad == std::string_view::npos) return true;
  auto byte = static_cast<unsigned char>(text[bad]);
  std::string latin1 =
      byte >= 0xA0 ? fmt::format(" (Latin-1 for '{}{}')", static_cast<char>(0xC0 | (byte >> 6)),
                                 static_cast<char>(0x80 | (byte & 0x3F)))
                   : "";
  diagnostics_.Error(LocateByte(text, bad, display_),
                     fmt::format("the file is not valid UTF-8: byte 0x{:02X}{} here", byte, latin1),
                     "save the file as UTF-8: tributary reads every config file as UTF-8");
  return false;
}

bool YamlReader::CheckQuotesClosed(const YAML::Node& root, std::string_view text) {
  size_t open = QuoteScan(text).Find(root);
  if (open == std::string_view::npos) return true;
  diagnostics_.Error(LocateByte(text, open, display_),
                     fmt::format("this quoted value has no closing {}: it runs to the end of "
                                 "the file",
                                 text[open]),
                     text[open] == '"' ? "close it with \"; write a \" inside it as \\\""
                                       : "close it with '; write a ' inside it as ''");
  return false;
}

std::optional<YAML::Node> YamlReader::Load() {
  std::optional<std::string> text = ReadText();
  if (!text || !CheckEncoding(*text)) return std::nullopt;
  try {
    YAML::Node root = YAML::Load(*text);
    if (!CheckQuotesClosed(root, *text)) return std::nullopt;
    return root;
  } catch (const YAML::DeepRecursion& e) {
    size_t deep = DeepFlowNesting(*text);
    diagnostics_.Error(deep == std::string_view::npos
                           ? SourceLocation{display_, e.mark.line + 1, e.mark.column + 1}
                           : LocateByte(*text, deep, display_),
                       fmt::format("lists and mappings nested too deeply: the YAML parser "
                                   "(yaml-cpp) stops at {} levels",
                                   e.depth()),
                       "a tributary config needs a few levels; look for runaway '[' or '{' here");
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
  // A node looked up under a missing key throws from Mark().
  if (!node.IsDefined()) return {display_, 0, 0};
  auto mark = node.Mark();
  if (mark.is_null()) return {display_, 0, 0};
  return {display_, mark.line + 1, mark.column + 1};
}

SourceLocation YamlReader::AtValue(const YAML::Node& map, const char* key) const {
  if (map.IsMap()) {
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (it->first.Scalar() != key) continue;
      return it->second.IsNull() ? At(it->first) : At(it->second);
    }
  }
  return At(map);
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
    ErrorAt(AtValue(map, key),
            fmt::format("'{}' must be a non-empty string, found {}", key, DescribeNode(v)));
    return std::nullopt;
  }
  return v.Scalar();
}

std::optional<bool> YamlReader::Boolean(const YAML::Node& map, const char* key) {
  YAML::Node v = map[key];
  if (!v) return std::nullopt;
  std::string text = v.IsScalar() ? v.Scalar() : "";
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (text == "true" || text == "false") return text == "true";
  Error(v, fmt::format("'{}' must be true or false, found {}", key, DescribeNode(v)));
  return std::nullopt;
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
    ErrorAt(AtValue(map, key),
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
    ErrorAt(AtValue(map, key), fmt::format("'{}' must be a mapping of names to values, found {}",
                                           key, DescribeNode(v)));
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
  if (!v) return YAML::Node(YAML::NodeType::Undefined);
  if (!v.IsSequence()) {
    ErrorAt(AtValue(map, key),
            fmt::format("'{}' must be a list ('- ' items), found {}", key, DescribeNode(v)));
    return YAML::Node(YAML::NodeType::Undefined);
  }
  return v;
}

}  // namespace tributary
