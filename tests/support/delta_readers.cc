#include "support/delta_readers.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <mutex>
#include <stdexcept>

#include "data/text_values.h"
#include "data/value_text.h"
#include "sink/delta/delta_types.h"
#include "support/process.h"

namespace tributary::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

fs::path SourceDir() { return fs::path(TRIBUTARY_SOURCE_DIR); }

fs::path Python() { return SourceDir() / ".venv" / "bin" / "python"; }

// Runs a short probe under the venv's Python; empty when it succeeds.
std::string Probe(const std::vector<std::string>& args, const std::string& what) {
  if (!fs::exists(Python())) return "no Python virtual environment at " + Python().string();
  std::vector<std::string> full = {Python().string()};
  full.insert(full.end(), args.begin(), args.end());
  ProcessResult r = RunProcess(full);
  return r.exit_code == 0 ? "" : what;
}

std::string ProbeReader(DeltaReader reader) {
  if (reader == DeltaReader::kDeltaRs) {
    return Probe({"-c", "import deltalake, pyarrow"}, "deltalake (delta-rs) is not installed");
  }
  std::string missing =
      Probe({"-c", "import pyspark, delta, pyarrow"}, "pyspark or delta-spark is not installed");
  if (!missing.empty()) return missing;
  std::string jars = (SourceDir() / "tests" / "interop" / "delta_jars.py").string();
  return Probe({jars, "status"}, "the Delta jars for Spark have not been fetched");
}

// Decodes %XX escapes (log paths are RFC 2396 encoded; readers may decode).
std::string PercentDecoded(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size()) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 2), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// `text` with every bare JSON number put in quotes, so that nlohmann keeps
// its exact digits (stats decimals carry up to 38 of them).
std::string QuoteNumbers(const std::string& text) {
  std::string out;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      out += c;
      if (c == '\\') out += text[++i];
      if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
      out += c;
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      size_t end = text.find_first_not_of("0123456789+-.eE", i);
      out += '"' + text.substr(i, end - i) + '"';
      i = end - 1;
    } else {
      out += c;
    }
  }
  return out;
}

// A stats or partition value of our log (text) in reader text.
ReaderValue LogValueText(const DataType& type, const json& value) {
  if (value.is_null()) return std::nullopt;
  std::string text = value.is_string() ? value.get<std::string>() : value.dump();
  switch (type.id) {
    case TypeId::kDate:
      if (auto days = ParseDateText(text)) return std::to_string(*days);
      return "unparsable date " + text;
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      if (auto micros = ParseTimestampText(text)) return std::to_string(*micros);
      return "unparsable timestamp " + text;
    default:
      return text;
  }
}

}  // namespace

std::string MissingReader(DeltaReader reader) {
  static std::mutex mutex;
  static std::map<DeltaReader, std::string> known;
  std::lock_guard<std::mutex> lock(mutex);
  auto it = known.find(reader);
  if (it == known.end()) it = known.emplace(reader, ProbeReader(reader)).first;
  return it->second;
}

bool ReadersRequired() {
  const char* ci = std::getenv("CI");
  return ci != nullptr && std::string(ci) == "true";
}

namespace {

// Runs a script of tests/interop/; its stdout, or throws naming its stderr.
std::string RunScript(const std::string& script, const std::vector<std::string>& args) {
  std::vector<std::string> full = {Python().string(),
                                   (SourceDir() / "tests" / "interop" / script).string()};
  full.insert(full.end(), args.begin(), args.end());
  ProcessResult r = RunProcess(full);
  if (r.exit_code != 0) {
    throw std::runtime_error(fmt::format("{} exited {}: {}", script, r.exit_code, r.err));
  }
  return r.out;
}

}  // namespace

json RunReaderScript(const std::string& script, const std::vector<std::string>& args) {
  return json::parse(RunScript(script, args));
}

json RunReaderScriptTo(const std::string& script, const std::vector<std::string>& args,
                       const fs::path& out) {
  std::vector<std::string> full = args;
  full.push_back(out.string());
  RunScript(script, full);  // its stdout is the JVM's, not the result
  std::ifstream in(out);
  return json::parse(in);
}

ReaderValue ReaderText(const Column& column, size_t row) {
  if (column.IsNull(row)) return std::nullopt;
  switch (column.type().id) {
    case TypeId::kBool:
      return column.Get<uint8_t>(row) ? "true" : "false";
    case TypeId::kBytes:
      return ValueText(column, row).substr(2);  // without "\x"
    case TypeId::kInterval:
      return IsoInterval(column.Get<Interval>(row));
    case TypeId::kDate:
      return std::to_string(column.Get<int32_t>(row));
    case TypeId::kTimestamp:
    case TypeId::kTimestampTz:
      return std::to_string(column.Get<int64_t>(row));
    default:
      return ValueText(column, row);
  }
}

bool SameReaderValue(const DataType& type, const ReaderValue& expected, const json& actual) {
  if (!expected || actual.is_null()) return !expected && actual.is_null();
  if (!actual.is_string()) return false;
  const std::string& text = actual.get_ref<const std::string&>();
  if (type.id == TypeId::kFloat32 || type.id == TypeId::kFloat64) {
    auto a = ParseDoubleText(*expected), b = ParseDoubleText(text);
    if (!a || !b) return false;
    if (std::isnan(*a) || std::isnan(*b)) return std::isnan(*a) && std::isnan(*b);
    return type.id == TypeId::kFloat32 ? static_cast<float>(*a) == static_cast<float>(*b)
                                       : *a == *b;
  }
  if (type.id == TypeId::kDecimal) {
    auto a = ParseDecimalText(*expected, 38, type.scale),
         b = ParseDecimalText(text, 38, type.scale);
    return a && b && *a == *b;
  }
  return *expected == text;
}

std::vector<std::string> CompareReaderRows(const Schema& schema,
                                           const std::vector<ReaderRow>& expected,
                                           const json& actual) {
  std::vector<std::string> problems;
  if (!actual.is_array() || actual.size() != expected.size()) {
    return {fmt::format("{} rows read, {} written", actual.is_array() ? actual.size() : 0,
                        expected.size())};
  }
  for (size_t r = 0; r < expected.size(); ++r) {
    for (size_t c = 0; c < schema.fields.size(); ++c) {
      const json& got = actual[r].size() > c ? actual[r][c] : json();
      if (!SameReaderValue(schema.fields[c].type, expected[r][c], got)) {
        problems.push_back(fmt::format("row {} column {}: read {}, written {}", r,
                                       schema.fields[c].name, got.dump().substr(0, 200),
                                       expected[r][c].value_or("NULL").substr(0, 200)));
      }
    }
  }
  return problems;
}

namespace {

// Differences of one column's stats between our add and the reader's.
void CompareColumnStats(const std::string& where, const Field& field, const json& ours,
                        const json& theirs, std::vector<std::string>& problems) {
  const std::string& name = field.name;
  auto ours_at = [&](const char* key) {
    return ours.contains(key) && ours[key].contains(name) ? ours[key][name] : json();
  };
  auto theirs_at = [&](const char* key) {
    return theirs.contains(key) && theirs[key].contains(name) ? theirs[key][name] : json();
  };
  json our_nulls = ours_at("nullCount"), their_nulls = theirs_at("null_count");
  if (our_nulls != their_nulls) {
    problems.push_back(fmt::format("{} nullCount.{}: ours {}, read {}", where, name,
                                   our_nulls.dump(), their_nulls.dump()));
  }
  for (auto [ours_key, theirs_key] : {std::pair{"minValues", "min"}, {"maxValues", "max"}}) {
    ReaderValue mine = LogValueText(field.type, ours_at(ours_key));
    json read = theirs_at(theirs_key);
    if (!SameReaderValue(field.type, mine, read)) {
      problems.push_back(fmt::format("{} {}.{}: ours {}, read {}", where, ours_key, name,
                                     mine.value_or("absent"), read.dump()));
    }
  }
}

}  // namespace

std::vector<std::string> CompareAddStats(const Schema& schema,
                                         const std::vector<std::string>& our_adds,
                                         const json& reader_adds) {
  std::map<std::string, json> theirs;
  for (const json& add : reader_adds) {
    theirs[PercentDecoded(add["path"].get<std::string>())] = add;
  }
  std::vector<std::string> problems;
  if (theirs.size() != our_adds.size()) {
    problems.push_back(
        fmt::format("{} live files in our log, {} read", our_adds.size(), theirs.size()));
  }
  for (const std::string& line : our_adds) {
    json add = json::parse(line);
    if (add.contains("add")) add = add["add"];
    std::string path = PercentDecoded(add["path"].get<std::string>());
    auto it = theirs.find(path);
    if (it == theirs.end()) {
      problems.push_back("not read: " + path);
      continue;
    }
    const json& read = it->second;
    json stats = json::parse(QuoteNumbers(add["stats"].get<std::string>()));
    if (read["size"] != add["size"]) problems.push_back(path + ": size differs");
    if (read["num_records"] != stats["numRecords"]) {
      problems.push_back(fmt::format("{} numRecords: ours {}, read {}", path,
                                     stats["numRecords"].dump(), read["num_records"].dump()));
    }
    for (const Field& field : schema.fields) {
      if (add["partitionValues"].contains(field.name)) {
        ReaderValue mine = LogValueText(field.type, add["partitionValues"][field.name]);
        json got = read["partition"].value(field.name, json());
        if (!SameReaderValue(field.type, mine, got)) {
          problems.push_back(fmt::format("{} partition {}: ours {}, read {}", path, field.name,
                                         mine.value_or("null"), got.dump()));
        }
        continue;
      }
      CompareColumnStats(path, field, stats, read, problems);
    }
  }
  return problems;
}

}  // namespace tributary::testing
