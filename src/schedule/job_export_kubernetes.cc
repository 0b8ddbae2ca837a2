// Kubernetes: a batch/v1 CronJob per job, with the frequency's time zone
// (spec.timeZone), concurrencyPolicy Forbid (a tick finding the previous run
// going is skipped), one container per part (parts run in parallel in one
// pod) and the timeout as the Job's activeDeadlineSeconds. Secrets reach the
// containers' environment from jobs.kubernetes_secret (envFrom); the project
// folder is a PersistentVolumeClaim when jobs.kubernetes_volume_claim names one.
#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>

#include "cron/cron_convert.h"
#include "schedule/job_export_formats.h"

namespace tributary::jobs {
namespace {

constexpr size_t kMaxCronJobName = 52;  // the Job controller appends 11 characters
constexpr const char* kProjectVolume = "project";

void Containers(YAML::Emitter& out, const ExportContext& ctx, const Job& job) {
  out << YAML::Key << "containers" << YAML::Value << YAML::BeginSeq;
  for (const auto& part : job.parts) {
    out << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value
        << (part.name.empty() ? "tributary" : "tributary-" + Slug(part.name, '-'));
    out << YAML::Key << "image" << YAML::Value << ctx.project.jobs.kubernetes_image;
    out << YAML::Key << "command" << YAML::Value << YAML::Flow << YAML::BeginSeq << ctx.command;
    for (const auto& arg : ctx.RunArgs(job, part)) out << arg;
    out << YAML::EndSeq;
    const JobsConfig& jobs = ctx.project.jobs;
    if (!jobs.kubernetes_secret.empty()) {
      out << YAML::Key << "envFrom" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
      out << YAML::Key << "secretRef" << YAML::Value << YAML::BeginMap << YAML::Key << "name"
          << YAML::Value << jobs.kubernetes_secret << YAML::EndMap;
      out << YAML::EndMap << YAML::EndSeq;
    }
    if (!jobs.kubernetes_volume_claim.empty()) {
      out << YAML::Key << "volumeMounts" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
      out << YAML::Key << "name" << YAML::Value << kProjectVolume;
      out << YAML::Key << "mountPath" << YAML::Value << ctx.project_dir;
      out << YAML::EndMap << YAML::EndSeq;
    }
    out << YAML::EndMap;
  }
  out << YAML::EndSeq;
  if (!ctx.project.jobs.kubernetes_volume_claim.empty()) {
    out << YAML::Key << "volumes" << YAML::Value << YAML::BeginSeq << YAML::BeginMap;
    out << YAML::Key << "name" << YAML::Value << kProjectVolume;
    out << YAML::Key << "persistentVolumeClaim" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "claimName" << YAML::Value << ctx.project.jobs.kubernetes_volume_claim;
    out << YAML::EndMap << YAML::EndMap << YAML::EndSeq;
  }
}

// Why the CronJobs could not run as exported (a secret or the sink's files
// with nowhere to come from), or "".
std::string Unreachable(const ExportContext& ctx) {
  std::string missing =
      MissingEnvironment(ctx, ctx.project.jobs.kubernetes_secret, "kubernetes_secret",
                         "a Secret in the CronJobs' namespace with one key per variable (envFrom)");
  if (!missing.empty()) return missing;
  const std::string& sink = ctx.local_sink;
  if (sink.empty()) return "";
  if (ctx.project.jobs.kubernetes_volume_claim.empty()) {
    return fmt::format(
        "cannot export to kubernetes: the sink '{}' ({}) is a file of the container, lost when "
        "its job ends; set jobs.kubernetes_volume_claim to a PersistentVolumeClaim holding the "
        "project folder, or write bronze to an object store or a server",
        sink, ctx.project.sink.kind);
  }
  if (sink[0] == '/' && sink.rfind(ctx.project_dir + "/", 0) != 0) {
    return fmt::format(
        "cannot export to kubernetes: the sink '{}' is outside the project folder {}, where "
        "jobs.kubernetes_volume_claim is mounted; give sink.path relative to the project",
        sink, ctx.project_dir);
  }
  return "";
}

void JobTemplate(YAML::Emitter& out, const ExportContext& ctx, const Job& job) {
  out << YAML::Key << "jobTemplate" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "backoffLimit" << YAML::Value << 0;
  if (job.frequency->timeout_minutes > 0) {
    out << YAML::Key << "activeDeadlineSeconds" << YAML::Value
        << job.frequency->timeout_minutes * 60;
  }
  out << YAML::Key << "template" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "restartPolicy" << YAML::Value << "Never";
  Containers(out, ctx, job);
  out << YAML::EndMap << YAML::EndMap << YAML::EndMap << YAML::EndMap;
}

std::string CronJob(const ExportContext& ctx, const Job& job, const std::string& name,
                    const std::string& schedule) {
  const FrequencyConfig& f = *job.frequency;
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "apiVersion" << YAML::Value << "batch/v1";
  out << YAML::Key << "kind" << YAML::Value << "CronJob";
  out << YAML::Key << "metadata" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "name" << YAML::Value << name;
  if (!ctx.project.jobs.kubernetes_namespace.empty()) {
    out << YAML::Key << "namespace" << YAML::Value << ctx.project.jobs.kubernetes_namespace;
  }
  out << YAML::Key << "labels" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "app.kubernetes.io/name" << YAML::Value << "tributary";
  out << YAML::Key << "tributary/project" << YAML::Value << Slug(ctx.project.name, '-');
  out << YAML::Key << "tributary/frequency" << YAML::Value << Slug(f.name, '-');
  out << YAML::EndMap << YAML::EndMap;
  out << YAML::Key << "spec" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "schedule" << YAML::Value << YAML::DoubleQuoted << schedule;
  out << YAML::Comment(fmt::format("Quartz \"{}\"", f.cron));
  out << YAML::Key << "timeZone" << YAML::Value << f.timezone;
  out << YAML::Key << "concurrencyPolicy" << YAML::Value << "Forbid";
  if (f.overlap == "queue") out << YAML::Comment("overlap: queue has no CronJob equivalent");
  out << YAML::Key << "suspend" << YAML::Value << f.paused;
  if (f.catch_up == "none") {
    // The controller looks every 10 seconds: a shorter deadline may never start.
    out << YAML::Key << "startingDeadlineSeconds" << YAML::Value
        << std::max(10, ctx.project.scheduler.misfire_grace_seconds);
  }
  JobTemplate(out, ctx, job);
  out << YAML::EndMap << YAML::EndMap;
  return out.c_str();
}

}  // namespace

std::vector<ExportedFile> WriteKubernetes(const ExportContext& ctx) {
  if (ctx.project.jobs.kubernetes_image.empty()) {
    throw ExportError(
        "cannot export to kubernetes: no container image; set jobs.kubernetes_image in "
        "tributary.yml to an image holding the tributary executable");
  }
  if (std::string why = Unreachable(ctx); !why.empty()) throw ExportError(why);
  std::vector<std::string> refusals;
  std::vector<ExportedFile> files;
  for (const auto& job : ctx.jobs) {
    const FrequencyConfig& f = *job.frequency;
    CronConversion five = ToFiveFieldCron(f.cron);
    std::string name = Slug(ctx.project.name, '-') + "-" + Slug(job.key, '-');
    if (!five.ok()) {
      refusals.push_back(Refusal(f, five.why_not));
    } else if (name.size() > kMaxCronJobName) {
      refusals.push_back(Refusal(f, fmt::format("the CronJob name '{}' is longer than {} "
                                                "characters; shorten the project or frequency name",
                                                name, kMaxCronJobName)));
    } else {
      files.push_back({name + ".cronjob.yaml",
                       CommentBlock(ctx.Header()) + CronJob(ctx, job, name, five.text) + "\n"});
    }
  }
  if (!refusals.empty()) {
    Refuse(ctx, refusals,
           "run these frequencies with `tributary schedule run`, or change their cron");
  }
  return files;
}

}  // namespace tributary::jobs
