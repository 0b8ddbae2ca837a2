#include "engine/check.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "common/did_you_mean.h"
#include "common/error.h"

namespace tributary {
namespace {

std::string DisplayName(const TableRef& ref) {
  return ref.schema.empty() ? ref.table : ref.schema + "." + ref.table;
}

std::string Declared(const Task& task) {
  return fmt::format("(declared at {}:{})", task.where.file, task.where.line);
}

// The checks of one database of one server, on one open connection.
class DatabaseChecks {
 public:
  DatabaseChecks(const Project& project, Source& source, std::string server, std::string database,
                 std::vector<CheckRow>& rows)
      : project_(project),
        source_(source),
        server_(std::move(server)),
        database_(std::move(database)),
        rows_(rows) {}

  void Run(const std::vector<Task>& tasks) {
    std::vector<Task> cdc;
    for (const Task& task : tasks) {
      bool exists = CheckTask(task);
      if (exists && task.strategy == "cdc") cdc.push_back(task);
    }
    if (!cdc.empty()) CheckChangeCapture(cdc);
  }

 private:
  void Add(const std::string& table, std::string check, CheckStatus status, std::string message) {
    rows_.push_back(
        CheckRow{server_, database_, table, std::move(check), status, std::move(message)});
  }

  // False when the table is missing (or the connection failed).
  bool CheckTask(const Task& task) {
    TableRef ref{task.source_schema, task.source_table};
    std::string name = task.strategy == "query" ? task.source_table : DisplayName(ref);
    try {
      if (task.strategy == "query") {
        CheckQuery(task, name);
        return true;
      }
      std::optional<Schema> schema = CheckTable(task, ref, name);
      if (!schema) return false;
      Schema read = CheckColumns(task, *schema, name);
      try {
        source_.ProbeRead(ref, read);
        Add(name, "read", CheckStatus::kOk, "a zero-row SELECT works as this user");
      } catch (const SourceError& e) {
        Add(name, "read", CheckStatus::kFail,
            fmt::format("{}; grant the configured user SELECT on the table", e.what()));
      }
      return true;
    } catch (const std::exception& e) {  // the connection broke, or a catalog query failed
      Add(name, "table", CheckStatus::kFail, e.what());
      return false;
    }
  }

  void CheckQuery(const Task& task, const std::string& name) {
    try {
      Schema columns = source_.DescribeQuery(task.options.query);
      std::vector<std::string> names;
      for (const Field& f : columns.fields) names.push_back(f.name);
      Add(name, "query", CheckStatus::kOk,
          fmt::format("the query runs as this user and returns {} columns: {}", names.size(),
                      JoinNames(names)));
    } catch (const SourceError& e) {
      Add(name, "query", CheckStatus::kFail,
          fmt::format("{} {}; fix the query in the ingest file", e.what(), Declared(task)));
    }
  }

  const std::vector<TableRef>& Tables() {
    if (!tables_) tables_ = source_.ListTables();
    return *tables_;
  }

  // The source's closest table to `ref`: in the same schema first, then by
  // qualified name across schemas.
  std::string Suggest(const TableRef& ref) {
    std::vector<std::string> same, qualified;
    for (const TableRef& t : Tables()) {
      if (ref.schema.empty() || t.schema == ref.schema) same.push_back(t.table);
      qualified.push_back(DisplayName(t));
    }
    if (auto m = ClosestMatch(ref.table, same)) return fmt::format(" (did you mean '{}'?)", *m);
    if (auto m = ClosestMatch(DisplayName(ref), qualified))
      return fmt::format(" (did you mean '{}'?)", *m);
    return "";
  }

  bool Listed(const TableRef& ref) {
    const auto& tables = Tables();
    return std::any_of(tables.begin(), tables.end(), [&](const TableRef& t) {
      return t.table == ref.table && (ref.schema.empty() || t.schema == ref.schema);
    });
  }

  std::optional<Schema> CheckTable(const Task& task, const TableRef& ref, const std::string& name) {
    try {
      Schema schema = source_.DescribeTable(ref);
      Add(name, "table", CheckStatus::kOk, fmt::format("exists, {} columns", schema.fields.size()));
      return schema;
    } catch (const SourceError& e) {
      if (Listed(ref)) {  // it exists: something else is wrong (an unmappable column type)
        Add(name, "table", CheckStatus::kFail, fmt::format("{} {}", e.what(), Declared(task)));
      } else {
        Add(name, "table", CheckStatus::kFail,
            fmt::format("table '{}' does not exist in {} or this user cannot see it{} {}; "
                        "names are case-sensitive",
                        name, source_.Describe(), Suggest(ref), Declared(task)));
      }
      return std::nullopt;
    }
  }

  // Checks the columns the task's options name; returns the columns a load
  // reads (for the read probe).
  Schema CheckColumns(const Task& task, const Schema& schema, const std::string& name) {
    std::vector<std::pair<std::string, std::string>> wanted;  // option, column
    if (task.strategy == "incremental") {
      wanted.emplace_back("watermark_column", task.options.watermark_column);
      for (const auto& k : task.options.primary_key) wanted.emplace_back("primary_key", k);
    }
    if (task.strategy == "selected_columns") {
      for (const auto& c : task.options.columns) wanted.emplace_back("columns", c);
    }
    if (wanted.empty()) return schema;
    std::vector<std::string> names;
    for (const Field& f : schema.fields) names.push_back(f.name);
    Schema read;
    std::vector<std::string> found;
    bool missing = false;
    for (const auto& [option, column] : wanted) {
      auto it = std::find_if(schema.fields.begin(), schema.fields.end(),
                             [&](const Field& f) { return f.name == column; });
      if (it == schema.fields.end()) {
        missing = true;
        Add(name, "columns", CheckStatus::kFail,
            fmt::format("{} '{}' is not a column of the table{} {}; its columns: {}", option,
                        column, DidYouMean(column, names), Declared(task), JoinNames(names)));
        continue;
      }
      found.push_back(fmt::format("{} {}", option, column));
      if (task.strategy == "selected_columns") read.fields.push_back(*it);
    }
    if (!missing) Add(name, "columns", CheckStatus::kOk, JoinNames(found) + " exist");
    if (task.strategy != "selected_columns" || read.fields.empty()) return schema;
    return read;
  }

  void CheckChangeCapture(const std::vector<Task>& tasks) {
    try {
      for (SourceFinding& f : source_.CheckChangeCapture(project_, tasks)) {
        Add(f.table, "cdc " + f.check, f.status, std::move(f.message));
      }
    } catch (const std::exception& e) {
      Add("", "cdc", CheckStatus::kFail, e.what());
    }
  }

  const Project& project_;
  Source& source_;
  std::string server_;
  std::string database_;
  std::vector<CheckRow>& rows_;
  std::optional<std::vector<TableRef>> tables_;
};

void CheckSinkRow(const Project& project, std::vector<CheckRow>& rows) {
  CheckRow row{"", "", "", "sink", CheckStatus::kOk, ""};
  try {
    SinkCheck check = CheckSink(project);
    row.status = check.busy ? CheckStatus::kWarn : CheckStatus::kOk;
    row.message = check.message;
  } catch (const std::exception& e) {
    row.status = CheckStatus::kFail;
    row.message = e.what();
  }
  rows.push_back(std::move(row));
}

}  // namespace

int CheckReport::Count(CheckStatus status) const {
  return static_cast<int>(std::count_if(rows.begin(), rows.end(),
                                        [&](const CheckRow& r) { return r.status == status; }));
}

const char* CheckStatusName(CheckStatus status) {
  switch (status) {
    case CheckStatus::kOk:
      return "ok";
    case CheckStatus::kWarn:
      return "warn";
    case CheckStatus::kFail:
      return "fail";
  }
  return "fail";
}

CheckReport RunChecks(const Project& project, const std::vector<Task>& tasks,
                      const Connectors& connectors) {
  // (server, database) in the order the tasks name them.
  std::vector<std::pair<std::string, std::string>> order;
  std::map<std::pair<std::string, std::string>, std::vector<Task>> groups;
  for (const Task& task : tasks) {
    auto key = std::make_pair(task.server, task.database);
    if (!groups.count(key)) order.push_back(key);
    groups[key].push_back(task);
  }
  CheckReport report;
  std::map<std::string, std::string> unreachable;  // server → where its failure is reported
  for (const auto& key : order) {
    const auto& [server_name, database] = key;
    auto add = [&](CheckStatus status, std::string message) {
      report.rows.push_back(
          CheckRow{server_name, database, "", "connect", status, std::move(message)});
    };
    const ServerConfig* server = project.FindServer(server_name);
    if (server == nullptr) {
      add(CheckStatus::kFail, fmt::format("unknown server '{}'", server_name));
      continue;
    }
    if (auto it = unreachable.find(server_name); it != unreachable.end()) {
      add(CheckStatus::kFail, fmt::format("not tried: server {} is unreachable (reported for "
                                          "database {})",
                                          server_name, it->second));
      continue;
    }
    std::unique_ptr<Source> source;
    try {
      source = connectors.open_source(project, *server, database);
    } catch (const TransientSourceError& e) {
      unreachable[server_name] = database;
      add(CheckStatus::kFail, e.what());
      continue;
    } catch (const std::exception& e) {
      add(CheckStatus::kFail, e.what());
      continue;
    }
    add(CheckStatus::kOk, "connected: " + source->Describe());
    DatabaseChecks(project, *source, server_name, database, report.rows).Run(groups[key]);
  }
  CheckSinkRow(project, report.rows);
  return report;
}

}  // namespace tributary
