#include "serve/metrics.h"

#include <fmt/format.h>

#include <functional>
#include <optional>

#include "serve/health_state.h"

namespace tributary {
namespace {

struct Row {
  const TableStatus* status;
  const char* layer;
};

std::string Labels(const Row& row) {
  const Task& t = *row.status->task;
  return fmt::format(R"(table="{}",layer="{}",frequency="{}",server="{}",strategy="{}")",
                     EscapeLabelValue(t.id()), row.layer, EscapeLabelValue(t.frequency),
                     EscapeLabelValue(t.server), EscapeLabelValue(t.strategy));
}

double Seconds(std::chrono::system_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

// One metric family: HELP, TYPE and a sample per row that has a value.
void Family(std::string& out, const char* name, const char* help, const std::vector<Row>& rows,
            const std::function<std::optional<double>(const TableStatus&)>& value) {
  out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", name, help, name);
  for (const Row& r : rows) {
    auto v = value(*r.status);
    if (v) out += fmt::format("{}{{{}}} {}\n", name, Labels(r), *v);
  }
}

std::vector<Row> AllRows(const ProjectStatus& status) {
  std::vector<Row> rows;
  for (const auto& s : status.table_rows) rows.push_back({&s, "bronze"});
  for (const auto& s : status.model_rows) rows.push_back({&s, "model"});
  for (const auto& s : status.report_rows) rows.push_back({&s, "report"});
  return rows;
}

void Families(std::string& out, const std::vector<Row>& rows, TimePoint now) {
  auto success = [](const TableStatus& s) { return s.last_success; };
  Family(out, "tributary_table_freshness_seconds",
         "Seconds since the last successful load (build, refresh) ended.", rows,
         [&](const TableStatus& s) -> std::optional<double> {
           if (!success(s)) return std::nullopt;
           return Seconds(now - s.last_success->ended_at);
         });
  Family(out, "tributary_table_last_success_timestamp_seconds",
         "When the last successful load ended, in Unix seconds.", rows,
         [&](const TableStatus& s) -> std::optional<double> {
           if (!success(s)) return std::nullopt;
           return Seconds(s.last_success->ended_at.time_since_epoch());
         });
  Family(out, "tributary_table_last_rows", "Rows of the last successful load (-1: not known).",
         rows, [&](const TableStatus& s) -> std::optional<double> {
           if (!success(s)) return std::nullopt;
           return static_cast<double>(s.last_success->rows);
         });
  Family(out, "tributary_table_rows",
         "Rows in the sink table after its last successful load (when the sink can tell).", rows,
         [&](const TableStatus& s) -> std::optional<double> {
           if (!success(s) || s.last_success->table_rows < 0) return std::nullopt;
           return static_cast<double>(s.last_success->table_rows);
         });
  Family(out, "tributary_table_last_bytes", "Bytes of the last successful load.", rows,
         [&](const TableStatus& s) -> std::optional<double> {
           if (!success(s)) return std::nullopt;
           return static_cast<double>(s.last_success->bytes);
         });
  Family(out, "tributary_table_last_duration_seconds", "Duration of the last attempt.", rows,
         [&](const TableStatus& s) -> std::optional<double> {
           if (!s.last_attempt) return std::nullopt;
           return Seconds(s.last_attempt->ended_at - s.last_attempt->started_at);
         });
  Family(out, "tributary_table_failing", "1 when the last attempt failed, else 0.", rows,
         [](const TableStatus& s) -> std::optional<double> {
           return s.health == Health::kFailing ? 1.0 : 0.0;
         });
}

void HealthFamily(std::string& out, const std::vector<Row>& rows) {
  out +=
      "# HELP tributary_table_health 1 for the table's state (fresh, late, failing, never), "
      "0 for the others.\n# TYPE tributary_table_health gauge\n";
  for (const Row& r : rows) {
    std::string state = HealthState(r.status->health);
    for (const char* s : kHealthStates) {
      out += fmt::format("tributary_table_health{{{},state=\"{}\"}} {}\n", Labels(r), s,
                         state == s ? 1 : 0);
    }
  }
}

void CdcFamilies(std::string& out, const std::vector<CdcReading>& cdc) {
  auto family = [&](const char* name, const char* help, auto value) {
    out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n", name, help, name);
    for (const auto& r : cdc) {
      auto v = value(r);
      if (!v) continue;
      TableStatus s;
      s.task = r.task;
      out += fmt::format("{}{{{}}} {}\n", name, Labels(Row{&s, "bronze"}), *v);
    }
  };
  family("tributary_cdc_lag_bytes",
         "Source log written since the position the cdc table acknowledged (as cdc status).",
         [](const CdcReading& r) { return r.status.lag_bytes; });
  family("tributary_cdc_retained_bytes", "Source log kept for the cdc table's stream.",
         [](const CdcReading& r) { return r.status.retained_bytes; });
  family("tributary_cdc_up", "1 when the cdc table's stream could be read at its source.",
         [](const CdcReading& r) { return std::optional<int64_t>(r.error.empty() ? 1 : 0); });
}

}  // namespace

std::string EscapeLabelValue(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '"')
      out += "\\\"";
    else if (c == '\n')
      out += "\\n";
    else
      out += c;
  }
  return out;
}

std::string MetricsText(const Project& project, const ProjectStatus* status,
                        const std::vector<CdcReading>& cdc, TimePoint now) {
  std::string out = fmt::format(
      "# HELP tributary_info The project served.\n# TYPE tributary_info gauge\n"
      "tributary_info{{project=\"{}\"}} 1\n"
      "# HELP tributary_up 1 when the run history could be read, else 0.\n"
      "# TYPE tributary_up gauge\ntributary_up {}\n",
      EscapeLabelValue(project.name), status != nullptr ? 1 : 0);
  if (!cdc.empty()) CdcFamilies(out, cdc);
  if (status == nullptr) return out;
  auto rows = AllRows(*status);
  Families(out, rows, now);
  HealthFamily(out, rows);
  return out;
}

}  // namespace tributary
