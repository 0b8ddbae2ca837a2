// Loading a project folder: tributary.yml plus every ingest/<strategy>/…
// file, validated as a whole.
#pragma once

#include <filesystem>
#include <optional>

#include "config/diagnostics.h"
#include "config/project.h"

namespace tributary {

struct LoadResult {
  // Set when the project could be built; check diagnostics.HasErrors() too:
  // a project with errors must not be run.
  std::optional<Project> project;
  Diagnostics diagnostics;  // every problem found, errors and warnings
};

// How strict loading is about what lies outside the files.
struct LoadOptions {
  // A ${env:…} / ${file:…} reference that cannot be resolved now is an error
  // (run, check: they connect) or, when false, a warning (validate: a CI lint
  // step has no production secrets).
  bool secrets_must_resolve = true;
};

// Reads and validates the project in `dir`. Never throws for a problem in
// the configuration: every problem becomes a diagnostic.
LoadResult LoadProject(const std::filesystem::path& dir, const LoadOptions& options = {});

// The sink table a table lands in when its entry names none:
// "<database without extension>__<table>", lower-cased, characters other
// than [a-z0-9_] replaced by '_'. ("CMS", "address_live") → "cms__address_live".
std::string DefaultSinkTable(const std::string& database, const std::string& table);

// Internal steps of LoadProject, exposed for its tests.
void LoadProjectFile(const std::filesystem::path& dir, Project& project, Diagnostics& diagnostics,
                     const LoadOptions& options = {});
void LoadIngestFiles(const std::filesystem::path& dir, Project& project, Diagnostics& diagnostics);

}  // namespace tributary
