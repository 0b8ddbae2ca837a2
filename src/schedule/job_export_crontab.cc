// crontab(5): one line per job (or part), CRON_TZ for the frequency's zone,
// flock(1) for overlap, timeout(1) for the frequency's timeout.
#include <fmt/format.h>

#include "cron/cron_convert.h"
#include "schedule/job_export_formats.h"

namespace tributary::jobs {
namespace {

// Cron turns an unescaped % into a newline, even inside quotes.
std::string CronEscape(const std::string& command) {
  std::string out;
  for (char c : command) out += c == '%' ? std::string("\\%") : std::string(1, c);
  return out;
}

std::string LockDir(const ExportContext& ctx) {
  const std::string& dir = ctx.project.scheduler.lock_dir;
  return !dir.empty() && dir[0] == '/' ? dir : ctx.project_dir + "/" + dir;
}

// mkdir -p DIR && flock -n DIR/frequency-F.lock [timeout Nm] CMD ARGS...
std::string Command(const ExportContext& ctx, const Job& job, const JobPart& part) {
  const FrequencyConfig& f = *job.frequency;
  std::string lock_dir = LockDir(ctx);
  std::string lock = fmt::format("{}/frequency-{}{}.lock", lock_dir, Slug(f.name, '_'),
                                 part.name.empty() ? "" : "-" + Slug(part.name, '_'));
  std::string out = fmt::format("mkdir -p {} && flock {}{}", ShellQuote(lock_dir),
                                f.overlap == "queue" ? "" : "-n ", ShellQuote(lock));
  if (f.timeout_minutes > 0) out += fmt::format(" timeout {}m", f.timeout_minutes);
  out += " " + ShellQuote(ctx.command);
  for (const auto& arg : ctx.RunArgs(job, part)) out += " " + ShellQuote(arg);
  return CronEscape(out);
}

}  // namespace

std::vector<ExportedFile> WriteCrontab(const ExportContext& ctx) {
  std::vector<std::string> refusals;
  std::string body;
  for (const auto& job : ctx.jobs) {
    const FrequencyConfig& f = *job.frequency;
    CronConversion five = ToFiveFieldCron(f.cron);
    if (!five.ok()) {
      refusals.push_back(Refusal(f, five.why_not));
      continue;
    }
    body +=
        fmt::format("\n# {}: Quartz \"{}\" in {}, {} table{}; overlap: {}{}\n", job.Frequencies(),
                    f.cron, f.timezone, job.tables, job.tables == 1 ? "" : "s",
                    f.overlap == "queue" ? "queue (flock waits)" : "skip (flock -n)",
                    f.paused ? "; paused in tributary.yml" : "");
    body += "CRON_TZ=" + f.timezone + "\n";
    for (const auto& part : job.parts) {
      body += fmt::format("{}{} {}\n", f.paused ? "# " : "", five.text, Command(ctx, job, part));
    }
  }
  if (!refusals.empty()) {
    Refuse(ctx, refusals,
           "use --format systemd (seconds, years, L and # are supported there), run these "
           "frequencies with `tributary schedule run`, or change their cron");
  }
  std::string head = CommentBlock(
      ctx.Header() +
      "\nInstall with `crontab FILE` (this replaces the user's crontab) or merge it into one.\n"
      "CRON_TZ sets the time zone of the entries after it: cronie (Fedora, RHEL, Arch, Ubuntu "
      "24.04+)\nhonours it; Debian's cron ignores it and reads the system time zone. Cron does "
      "not catch up\nticks missed while the machine was off, whatever `catch_up` says.");
  return {{"tributary.crontab", head + body}};
}

}  // namespace tributary::jobs
