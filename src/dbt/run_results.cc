#include "dbt/run_results.h"

#include <date/date.h>

#include <cctype>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "common/files.h"
#include "dbt/dbt_error.h"

namespace tributary {
namespace {

using nlohmann::json;

// "2025-06-29T05:54:43.363154Z" (dbt writes UTC, with up to 6 decimals).
// Read by hand: date::parse trips GCC 12's maybe-uninitialized warning.
std::optional<TimePoint> ParseInstant(const json& value) {
  if (!value.is_string()) return std::nullopt;
  const std::string text = value.get<std::string>();
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0, consumed = 0;
  if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi, &sec,
                  &consumed) != 6) {
    return std::nullopt;
  }
  int64_t micros = 0;
  if (text.size() > static_cast<size_t>(consumed) && text[consumed] == '.') {
    int digits = 0;
    for (size_t i = consumed + 1; i < text.size() && std::isdigit(text[i]) && digits < 6; ++i) {
      micros = micros * 10 + (text[i] - '0');
      ++digits;
    }
    for (; digits < 6; ++digits) micros *= 10;
  }
  auto day = date::sys_days(date::year(y) / date::month(static_cast<unsigned>(mo)) /
                            date::day(static_cast<unsigned>(d)));
  auto t = day + std::chrono::hours(h) + std::chrono::minutes(mi) + std::chrono::seconds(sec) +
           std::chrono::microseconds(micros);
  return TimePoint(std::chrono::duration_cast<TimePoint::duration>(t.time_since_epoch()));
}

void ReadTiming(const json& node, NodeResult& r) {
  auto timing = node.find("timing");
  if (timing == node.end() || !timing->is_array() || timing->empty()) return;
  r.started_at = ParseInstant(timing->front().value("started_at", json()));
  r.completed_at = ParseInstant(timing->back().value("completed_at", json()));
}

NodeResult ReadNode(const json& node) {
  NodeResult r;
  r.unique_id = node.value("unique_id", "");
  r.status = node.value("status", "");
  if (auto t = node.find("execution_time"); t != node.end() && t->is_number()) {
    r.execution_seconds = t->get<double>();
  }
  ReadTiming(node, r);
  if (auto a = node.find("adapter_response"); a != node.end() && a->is_object()) {
    if (auto rows = a->find("rows_affected"); rows != a->end() && rows->is_number_integer()) {
      r.rows_affected = rows->get<int64_t>();
    }
  }
  if (auto m = node.find("message"); m != node.end() && m->is_string()) r.message = *m;
  return r;
}

}  // namespace

bool NodeResult::Built() const {
  return status == "success" || status == "no-op" || status == "reused";
}

const NodeResult* RunResults::Find(const std::string& unique_id) const {
  for (const auto& r : results) {
    if (r.unique_id == unique_id) return &r;
  }
  return nullptr;
}

RunResults ParseRunResults(const std::string& text, const std::string& display) {
  json root = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded() || !root.is_object() || !root.contains("results") ||
      !root["results"].is_array()) {
    throw DbtError(display + ": not a dbt run_results.json (no 'results' list)");
  }
  RunResults out;
  if (auto m = root.find("metadata"); m != root.end() && m->is_object()) {
    out.invocation_id = m->value("invocation_id", "");
  }
  if (auto e = root.find("elapsed_time"); e != root.end() && e->is_number()) {
    out.elapsed_seconds = e->get<double>();
  }
  for (const auto& node : root["results"]) {
    if (node.is_object()) out.results.push_back(ReadNode(node));
  }
  return out;
}

RunResults LoadRunResults(const std::filesystem::path& path) {
  std::optional<std::string> text;
  try {
    text = ReadWholeFile(path);
  } catch (const Error& e) {
    throw DbtError(e.what());
  }
  if (!text) throw DbtError(path.string() + ": dbt wrote no run_results.json");
  return ParseRunResults(*text, path.string());
}

}  // namespace tributary
