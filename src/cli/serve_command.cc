// tributary serve: the read-only status page, its JSON API and Prometheus
// metrics over HTTP (docs/status-page.md).
#include <csignal>
#include <iostream>

#include "cli/cli.h"
#include "common/error.h"
#include "serve/run_log_access.h"
#include "serve/status_server.h"

namespace tributary::cli {
namespace {

struct ServeFlags {
  TaskFilter filter;
  std::string listen = "127.0.0.1:8080";
};

// Serves until SIGINT or SIGTERM; both are blocked in every thread before
// the server's threads start, and taken here.
int Serve(const GlobalOptions& global, const ServeFlags& flags) {
  auto project = LoadOrReport(global);
  if (!project) return kExitFailed;
  auto tables = SelectOrReport(*project, flags.filter, /*empty_ok=*/true);
  if (!tables) return kExitUsage;
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  try {
    ServeOptions options;
    ParseListenAddress(flags.listen, options);
    options.token = ResolveServeToken(*project);
    OpenPerReadAccess access(*project);
    StatusServer server(*project, std::move(*tables), access, options);
    server.Bind();
    std::cerr << "tributary: serving " << project->name << " on http://"
              << (options.host.find(':') != std::string::npos ? "[" + options.host + "]"
                                                              : options.host)
              << ":" << server.Port() << "/ (Ctrl-C stops)\n";
    server.Start();
    int signal = 0;
    sigwait(&signals, &signal);
    std::cerr << "tributary: stopping the status server\n";
    server.Stop();
  } catch (const Error& e) {
    std::cerr << "tributary: " << e.what() << "\n";
    return kExitFailed;
  }
  return kExitOk;
}

}  // namespace

void AddServeCommand(CLI::App& app, GlobalOptions& global) {
  auto flags = std::make_shared<ServeFlags>();
  auto* cmd = app.add_subcommand(
      "serve", "Serve the status page, its JSON API and Prometheus metrics (read-only)");
  cmd->add_option("--listen", flags->listen,
                  "host:port to listen on; a non-loopback host needs serve.token")
      ->capture_default_str();
  AddFilterOptions(*cmd, flags->filter);
  cmd->footer(
      "GET / (the page), /api/status (as `status --format json`), /api/runs, /api/runs/<id>,\n"
      "/api/tables/<table>, /api/lineage, /api/schedule, /metrics (Prometheus) and /healthz.\n"
      "The filters narrow the bronze tables shown. Loopback by default: listening elsewhere\n"
      "requires serve.token in tributary.yml (a secret reference). See docs/status-page.md.");
  cmd->callback([&global, flags] { global.exit_code = Serve(global, *flags); });
}

}  // namespace tributary::cli
