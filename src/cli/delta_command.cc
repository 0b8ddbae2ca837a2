// tributary delta register: the Unity Catalog statements that make every
// bronze Delta table queryable in Databricks as an external table over the
// files tributary writes (the schema comes from the Delta log).
#include <fmt/format.h>

#include <iostream>
#include <set>

#include "cli/cli.h"
#include "common/error.h"
#include "engine/connectors.h"
#include "store/open_store.h"

namespace tributary::cli {
namespace {

struct RegisterOptions {
  TaskFilter filter;
  std::string catalog;
  std::string schema;
};

// A Databricks SQL identifier in backticks (a backtick doubled).
std::string Ident(const std::string& name) {
  std::string out = "`";
  for (char c : name) out += c == '`' ? std::string("``") : std::string(1, c);
  return out + "`";
}

// A SQL string literal (quote and backslash escaped, as Databricks SQL reads them).
std::string Literal(const std::string& text) {
  std::string out = "'";
  for (char c : text) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "'";
}

void Register(GlobalOptions& global, const RegisterOptions& options) {
  auto project = LoadOrReport(global);
  if (!project) {
    global.exit_code = kExitFailed;
    return;
  }
  if (project->sink.kind != "delta") {
    std::cerr << "tributary: delta register needs a delta sink; this project's sink is "
              << project->sink.kind << "\n";
    global.exit_code = kExitFailed;
    return;
  }
  ParsedStoreUrl parsed = ParseStoreUrl(project->sink.path);
  std::string account;
  if (auto it = project->sink.settings.find("azure_account"); it != project->sink.settings.end()) {
    account = it->second;
  } else if (const char* env = std::getenv("AZURE_STORAGE_ACCOUNT")) {
    account = env;
  }
  if (!parsed.url) {
    std::cerr << "tributary: the delta sink's path " << parsed.error << "\n";
    global.exit_code = kExitFailed;
    return;
  }
  CloudLocation probe = CloudUrl(*parsed.url, account, "t");
  if (!probe.url) {
    std::cerr << "tributary: " << probe.error << "\n";
    global.exit_code = kExitFailed;
    return;
  }
  auto selected = SelectOrReport(*project, options.filter);
  if (!selected) {
    global.exit_code = kExitUsage;
    return;
  }
  auto sink = OpenSink(*project);
  std::string qualified = Ident(options.catalog) + "." + Ident(options.schema);
  std::cout << "-- Unity Catalog external tables over tributary's bronze (" << project->sink.path
            << ").\n-- Needs an external location covering that path and CREATE EXTERNAL TABLE "
               "on it; see docs/delta.md.\n"
            << "CREATE SCHEMA IF NOT EXISTS " << qualified << ";\n";
  std::set<std::string> seen;
  for (const Task& task : *selected) {
    if (!seen.insert(task.sink_table).second) continue;
    std::string location = *CloudUrl(*parsed.url, account, task.sink_table).url;
    try {
      if (!sink->DescribeTable(task.sink_table)) {
        std::cout << "-- " << task.sink_table << ": not loaded yet; register it after its first "
                  << "load\n";
        continue;
      }
    } catch (const Error& e) {
      std::cerr << "tributary: " << task.sink_table << ": " << e.what() << "\n";
      global.exit_code = kExitFailed;
      continue;
    }
    std::cout << "CREATE TABLE IF NOT EXISTS " << qualified << "." << Ident(task.sink_table)
              << " USING DELTA LOCATION " << Literal(location) << ";\n";
  }
}

}  // namespace

void AddDeltaCommand(CLI::App& app, GlobalOptions& global) {
  auto* cmd = app.add_subcommand("delta", "Delta Lake bronze tables in other catalogs");
  cmd->require_subcommand(1);
  auto options = std::make_shared<RegisterOptions>();
  auto* reg = cmd->add_subcommand(
      "register", "Print the Unity Catalog statements registering every bronze table");
  AddFilterOptions(*reg, options->filter);
  reg->add_option("--catalog", options->catalog, "Unity Catalog catalog")->required();
  reg->add_option("--schema", options->schema, "Schema the tables go into")->required();
  reg->footer(
      "Prints one CREATE TABLE IF NOT EXISTS … USING DELTA LOCATION '…' per loaded table,\n"
      "without a column list: Databricks reads the schema from the Delta log, and later\n"
      "schema changes need no new statement. Run them in a Databricks SQL editor or job.");
  reg->callback([&global, options] { Register(global, *options); });
}

}  // namespace tributary::cli
