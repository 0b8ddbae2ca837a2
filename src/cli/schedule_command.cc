// tributary schedule next: when each frequency fires next, in its own time
// zone and in UTC.
#include <fmt/format.h>

#include <iostream>

#include "cli/cli.h"
#include "common/text_table.h"
#include "schedule/cron.h"

namespace tributary::cli {
namespace {

struct NextFlags {
  int count = 3;
  std::vector<std::string> frequencies;
};

int PrintNext(const GlobalOptions& global, const NextFlags& flags) {
  auto project = LoadOrReport(global);
  if (!project) return kExitFailed;
  TextTable table({"frequency", "cron", "time zone", "local time", "UTC", "tables"});
  TimePoint now = SystemClock::Instance().Now();
  for (const auto& f : project->frequencies) {
    if (!flags.frequencies.empty() && std::find(flags.frequencies.begin(), flags.frequencies.end(),
                                                f.name) == flags.frequencies.end()) {
      continue;
    }
    size_t tables = std::count_if(project->tasks.begin(), project->tasks.end(),
                                  [&](const Task& t) { return t.frequency == f.name; });
    auto schedule = CronSchedule::Parse(f.cron, f.timezone);
    TimePoint at = now;
    for (int i = 0; i < flags.count; ++i) {
      auto next = schedule.Next(at);
      if (!next) break;
      table.AddRow({i == 0 ? f.name : "", i == 0 ? f.cron : "", i == 0 ? f.timezone : "",
                    FormatInstant(*next, f.timezone), FormatInstant(*next, "UTC"),
                    i == 0 ? std::to_string(tables) : ""});
      at = *next;
    }
  }
  std::cout << table.Render();
  return kExitOk;
}

}  // namespace

void AddScheduleCommand(CLI::App& app, GlobalOptions& global) {
  auto* cmd = app.add_subcommand("schedule", "Inspect the frequencies' schedules");
  cmd->require_subcommand(1);
  auto flags = std::make_shared<NextFlags>();
  auto* next = cmd->add_subcommand("next", "Print the next fire times of each frequency");
  next->add_option("-n,--count", flags->count, "Fire times per frequency")
      ->check(CLI::Range(1, 1000))
      ->capture_default_str();
  next->add_option("--frequency", flags->frequencies, "Only these frequencies")->delimiter(',');
  next->callback([&global, flags] { global.exit_code = PrintNext(global, *flags); });
}

}  // namespace tributary::cli
