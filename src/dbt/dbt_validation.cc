#include "dbt/dbt_validation.h"

#include <fmt/format.h>

#include "common/did_you_mean.h"
#include "common/error.h"
#include "config/frequency_rank.h"
#include "dbt/bronze_tables.h"
#include "dbt/dbt_cli.h"
#include "dbt/dbt_step.h"
#include "dbt/model_frequency.h"

namespace tributary {
namespace {

namespace fs = std::filesystem;

struct Context {
  const Project& project;
  const Manifest& manifest;
  const FrequencyRank rank;
  Diagnostics& diagnostics;
};

std::vector<std::string> DeclaredNames(const Project& project) {
  std::vector<std::string> names;
  for (const auto& f : project.frequencies) names.push_back(f.name);
  return names;
}

void CheckTags(Context& c, const DbtModel& model) {
  auto where = DbtFileLocation(c.project, model.file);
  auto tags = ReadFrequencyTags(model, c.project);
  if (tags.frequencies.size() > 1) {
    c.diagnostics.Error(
        where,
        fmt::format("model '{}' has {} frequency tags: {}", model.name, tags.frequencies.size(),
                    JoinNames(tags.frequencies)),
        "a model runs at one frequency; keep one tag (tags add up from dbt_project.yml, "
        "properties files and config() blocks: look at all three)");
  }
  auto declared = DeclaredNames(c.project);
  for (const auto& tag : tags.lookalikes) {
    std::string hint = "frequencies declared in tributary.yml: " + JoinNames(declared);
    if (auto close = ClosestMatch(tag, declared)) {
      c.diagnostics.Error(where,
                          fmt::format("model '{}' has tag '{}', which is not a declared "
                                      "frequency (did you mean '{}'?)",
                                      model.name, tag, *close),
                          hint);
    } else {
      c.diagnostics.Warning(where,
                            fmt::format("model '{}' has tag '{}', which looks like a frequency "
                                        "but none is declared by that name; it runs at '{}'",
                                        model.name, tag, ModelFrequency(model, c.project, c.rank)),
                            "declare the frequency in tributary.yml, or rename the tag; " + hint);
    }
  }
}

void CheckUpstream(Context& c, const DbtModel& model) {
  auto where = DbtFileLocation(c.project, model.file);
  std::string mine = ModelFrequency(model, c.project, c.rank);
  for (const auto& id : model.upstream_sources) {
    auto it = c.manifest.sources.find(id);
    if (it == c.manifest.sources.end()) continue;
    const Task* task = BronzeTask(it->second, c.project);
    if (task == nullptr || !c.rank.MoreFrequent(mine, task->frequency)) continue;
    c.diagnostics.Warning(
        where,
        fmt::format("model '{}' runs {} but reads bronze table '{}', loaded {}: it rebuilds "
                    "from unchanged data",
                    model.name, mine, task->sink_table, task->frequency),
        fmt::format("tag the model '{}', or load the table at least '{}' ({}:{})", task->frequency,
                    mine, task->where.file, task->where.line));
  }
  for (const auto& id : model.upstream_models) {
    const DbtModel* parent = c.manifest.FindModel(id);
    if (parent == nullptr) continue;
    std::string theirs = ModelFrequency(*parent, c.project, c.rank);
    if (!c.rank.MoreFrequent(mine, theirs)) continue;
    c.diagnostics.Warning(
        where,
        fmt::format("model '{}' runs {} but depends on model '{}', built {}: it is stale by design",
                    model.name, mine, parent->name, theirs),
        fmt::format("tag '{}' '{}', or '{}' at least '{}' ({})", model.name, theirs, parent->name,
                    mine, parent->file));
  }
}

void CheckSources(Context& c) {
  auto loaded = BronzeTableNames(c.project);
  for (const auto& [id, source] : c.manifest.sources) {
    if (!InBronzeSchema(source, c.project) || BronzeTask(source, c.project) != nullptr) continue;
    c.diagnostics.Error(
        DbtFileLocation(c.project, source.file),
        fmt::format("dbt source '{}.{}' points at bronze table '{}.{}', which tributary does not "
                    "load{}",
                    source.source_name, source.name, source.schema, source.identifier,
                    DidYouMean(source.identifier, loaded)),
        "add the table to an ingest file, or fix the source's identifier; tributary loads: " +
            JoinNames(loaded));
  }
}

}  // namespace

SourceLocation DbtFileLocation(const Project& project, const std::string& file) {
  fs::path dir = project.dbt.project_dir;
  fs::path shown = (dir / file).lexically_normal();
  if (dir.is_absolute()) {
    auto relative = shown.lexically_relative(project.dir);
    if (!relative.empty() && *relative.begin() != "..") shown = relative;
  }
  return {shown.generic_string(), 0, 0};
}

void ValidateDbtProject(const Project& project, const Manifest& manifest,
                        Diagnostics& diagnostics) {
  Context c{project, manifest, FrequencyRank(project.frequencies), diagnostics};
  for (const auto& model : manifest.models) {
    CheckTags(c, model);
    CheckUpstream(c, model);
  }
  CheckSources(c);
}

void ValidateDbtSide(const Project& project, Diagnostics& diagnostics) {
  bool have_dbt = !ResolveDbtPaths(project).executable.empty();
  std::string note;
  try {
    Manifest manifest = ObtainManifest(project, /*parse=*/true, &note);
    if (!note.empty()) {
      diagnostics.Warning(project.dbt.where,
                          fmt::format("the dbt executable '{}' was not found; checked the last "
                                      "manifest instead: {}",
                                      project.dbt.executable, note),
                          "install dbt (scripts/install-tools.sh) or set dbt.executable");
    }
    ValidateDbtProject(project, manifest, diagnostics);
  } catch (const Error& e) {
    if (have_dbt) {
      diagnostics.Error(project.dbt.where, e.what(),
                        "fix the dbt project until `dbt parse` passes");
    } else {
      diagnostics.Warning(project.dbt.where,
                          std::string(e.what()) + "; the dbt models were not checked",
                          "install dbt (scripts/install-tools.sh) or set dbt.executable");
    }
  }
}

}  // namespace tributary
