#include "config/filter.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <functional>
#include <set>

#include "common/did_you_mean.h"
#include "config/kinds.h"
#include "config/settings.h"

namespace tributary {
namespace {

bool Contains(const std::vector<std::string>& values, const std::string& v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

bool TableMatches(const std::vector<std::string>& patterns, const Task& task) {
  std::string qualified = task.source_schema + "." + task.source_table;
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) {
    return GlobMatch(p, task.source_table) || GlobMatch(p, qualified) ||
           GlobMatch(p, task.sink_table);
  });
}

// The names each filter dimension can take in this project.
std::vector<std::string> Known(const Project& project,
                               const std::function<std::string(const Task&)>& of) {
  std::set<std::string> names;
  for (const auto& t : project.tasks) names.insert(of(t));
  return {names.begin(), names.end()};
}

}  // namespace

std::vector<std::string> SplitList(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const auto& v : values) {
    size_t start = 0;
    while (start <= v.size()) {
      size_t comma = v.find(',', start);
      std::string item =
          v.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
      item.erase(0, item.find_first_not_of(" \t"));
      item.erase(item.find_last_not_of(" \t") + 1);
      if (!item.empty()) out.push_back(item);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
  }
  return out;
}

bool GlobMatch(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::vector<Task> SelectTasks(const Project& project, const TaskFilter& filter) {
  auto servers = SplitList(filter.servers), strategies = SplitList(filter.strategies);
  auto databases = SplitList(filter.databases), frequencies = SplitList(filter.frequencies);
  auto tables = SplitList(filter.tables);
  std::vector<Task> out;
  for (const auto& t : project.tasks) {
    if (!servers.empty() && !Contains(servers, t.server)) continue;
    if (!strategies.empty() && !Contains(strategies, t.strategy)) continue;
    if (!databases.empty() && !Contains(databases, t.database)) continue;
    if (!frequencies.empty() && !Contains(frequencies, t.frequency)) continue;
    if (!tables.empty() && !TableMatches(tables, t)) continue;
    out.push_back(t);
  }
  return out;
}

std::vector<std::string> UnmatchedFilterValues(const Project& project, const TaskFilter& filter) {
  std::vector<std::string> out;
  auto check = [&](const char* flag, const char* what, const std::vector<std::string>& values,
                   std::vector<std::string> known) {
    for (const auto& v : SplitList(values)) {
      if (Contains(known, v)) continue;
      out.push_back(fmt::format("{} '{}' matches no {}{}; known: {}", flag, v, what,
                                DidYouMean(v, known), JoinNames(known)));
    }
  };
  std::vector<std::string> servers, frequencies;
  for (const auto& s : project.servers) servers.push_back(s.name);
  for (const auto& f : project.frequencies) frequencies.push_back(f.name);
  check("--server", "server", filter.servers, servers);
  check("--strategy", "strategy", filter.strategies, StrategyNames());
  check("--database", "database", filter.databases,
        Known(project, [](const Task& t) { return t.database; }));
  check("--frequency", "frequency", filter.frequencies, frequencies);
  for (const auto& pattern : SplitList(filter.tables)) {
    bool any = std::any_of(project.tasks.begin(), project.tasks.end(),
                           [&](const Task& t) { return TableMatches({pattern}, t); });
    if (!any) {
      auto names = Known(project, [](const Task& t) { return t.source_table; });
      out.push_back(
          fmt::format("--tables '{}' matches no table{}", pattern, DidYouMean(pattern, names)));
    }
  }
  return out;
}

bool FilterIsEmpty(const TaskFilter& filter) {
  return SplitList(filter.servers).empty() && SplitList(filter.strategies).empty() &&
         SplitList(filter.databases).empty() && SplitList(filter.frequencies).empty() &&
         SplitList(filter.tables).empty();
}

std::string DescribeEmptySelection(const Project& project, const TaskFilter& filter) {
  std::string out;
  auto add = [&](const char* flag, std::vector<std::string> TaskFilter::*member) {
    auto values = SplitList(filter.*member);
    if (values.empty()) return;
    TaskFilter alone;
    alone.*member = values;
    size_t n = SelectTasks(project, alone).size();
    out += fmt::format("{}{} {}: {} {}", out.empty() ? "" : "; ", flag, fmt::join(values, ","), n,
                       n == 1 ? "table" : "tables");
  };
  add("--server", &TaskFilter::servers);
  add("--strategy", &TaskFilter::strategies);
  add("--database", &TaskFilter::databases);
  add("--frequency", &TaskFilter::frequencies);
  add("--tables", &TaskFilter::tables);
  return out;
}

}  // namespace tributary
