// Secret references in server settings: `${env:NAME}` (an environment
// variable) and `${file:PATH}` (a file's contents, trailing newlines
// trimmed; relative paths are relative to the project folder). Values are
// resolved only when connecting and never appear in errors or logs.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace tributary {

struct SecretReference {
  std::string kind;   // "env" or "file"
  std::string name;   // variable name or path
  size_t offset = 0;  // where "${" starts in the value
};

// The references in `value`. Throws ConfigError for a malformed one
// ("${env:" without "}", unknown kind "${vault:…}").
std::vector<SecretReference> FindSecretReferences(std::string_view value);

// Why `ref` cannot be resolved ("environment variable COREDB_PASSWORD is not
// set"), or "" when it can. Never includes the secret.
std::string CheckSecretReference(const SecretReference& ref,
                                 const std::filesystem::path& project_dir);

// `value` with every reference replaced by what it refers to. Throws
// ConfigError naming the reference (never its value) when one cannot be
// resolved.
std::string ResolveSecrets(std::string_view value, const std::filesystem::path& project_dir);

// True for setting names that hold secrets (password, secret, token, …):
// such settings must be references, never literals.
bool IsSecretKey(std::string_view key);

}  // namespace tributary
