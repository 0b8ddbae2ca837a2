// dbt's manifest.json (schema v8–v12), reduced to what tributary needs: each
// model with its effective tags and its upstream models and sources, and each
// source with the relation it points at.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace tributary {

struct DbtModel {
  std::string unique_id;  // model.<package>.<name>
  std::string name;
  std::string package;
  std::vector<std::string> fqn;               // package, folders…, name
  std::string file;                           // original_file_path, '/'-separated
  std::string materialized;                   // view | table | incremental | ephemeral | …
  std::vector<std::string> tags;              // config.tags ∪ tags, in first-seen order
  std::vector<std::string> upstream_models;   // unique_ids of models it reads
  std::vector<std::string> upstream_sources;  // unique_ids of sources it reads
  bool reads_other = false;  // also depends on seeds, snapshots or other non-model nodes
  // Changes when what dbt would build changes: the SQL file's checksum, the
  // effective config and the SQL of the macros it calls (hex, 16 digits).
  std::string fingerprint;
};

struct DbtSource {
  std::string unique_id;  // source.<package>.<source_name>.<name>
  std::string source_name;
  std::string name;
  std::string database;
  std::string schema;
  std::string identifier;  // the table name in the warehouse
  std::string file;        // the properties file declaring it, '/'-separated
};

struct Manifest {
  int schema_version = 0;  // 8 … 12, from metadata.dbt_schema_version
  std::string project_name;
  std::vector<DbtModel> models;              // sorted by unique_id
  std::map<std::string, DbtSource> sources;  // by unique_id

  const DbtModel* FindModel(const std::string& unique_id) const;
};

// Parses the text of a manifest.json. `display` names the file in errors.
// Throws DbtError when it is not JSON, not a manifest or of a schema version
// tributary does not read (below 8); unknown newer versions are read as v12.
Manifest ParseManifest(const std::string& text, const std::string& display);

// Reads and parses `path`. Throws DbtError (also when the file is missing).
Manifest LoadManifest(const std::filesystem::path& path);

}  // namespace tributary
