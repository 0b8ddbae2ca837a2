#include "store/azure_credentials.h"

#include <cstdlib>

namespace tributary {

namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

std::string First(const std::string& setting, const char* env, const char* env2 = nullptr) {
  if (!setting.empty()) return setting;
  std::string value = Env(env);
  return value.empty() && env2 != nullptr ? Env(env2) : value;
}

AzureAuth ServicePrincipal(const HttpClient& http, ClientCredentials c) {
  std::string authority = Env("AZURE_AUTHORITY_HOST");
  if (!authority.empty()) {
    while (!authority.empty() && authority.back() == '/') authority.pop_back();
    c.authority = authority;
  }
  c.scope = kAzureStorageScope;
  AzureAuth auth;
  auth.describe =
      (c.assertion_file.empty() ? "service principal " : "workload identity ") + c.client_id;
  auth.tokens = ClientCredentialsTokens(http, std::move(c));
  return auth;
}

}  // namespace

AzureAuth ResolveAzureAuth(const StoreOptions& options, const HttpClient& http) {
  AzureAuth auth;
  if (!options.azure_account_key.empty()) {
    auth.account_key = options.azure_account_key;
    auth.describe = "the account key of the sink settings";
    return auth;
  }
  if (!options.azure_sas_token.empty()) {
    auth.sas_token = options.azure_sas_token;
    auth.describe = "the SAS token of the sink settings";
    return auth;
  }
  if (!options.azure_client_secret.empty() && !options.azure_managed_identity) {
    return ServicePrincipal(http, {options.azure_tenant_id, options.azure_client_id,
                                   options.azure_client_secret, "", ""});
  }
  if (!options.azure_managed_identity) {
    if (std::string key = First("", "AZURE_STORAGE_ACCOUNT_KEY", "AZURE_STORAGE_KEY");
        !key.empty()) {
      auth.account_key = key;
      auth.describe = "the account key of AZURE_STORAGE_ACCOUNT_KEY";
      return auth;
    }
    if (std::string sas = Env("AZURE_STORAGE_SAS_TOKEN"); !sas.empty()) {
      auth.sas_token = sas;
      auth.describe = "the SAS token of AZURE_STORAGE_SAS_TOKEN";
      return auth;
    }
    if (!Env("AZURE_CLIENT_SECRET").empty()) {
      return ServicePrincipal(http, {Env("AZURE_TENANT_ID"), Env("AZURE_CLIENT_ID"),
                                     Env("AZURE_CLIENT_SECRET"), "", ""});
    }
    if (std::string file = Env("AZURE_FEDERATED_TOKEN_FILE"); !file.empty()) {
      ClientCredentials workload{Env("AZURE_TENANT_ID"), Env("AZURE_CLIENT_ID"), "", "", ""};
      workload.assertion_file = file;
      return ServicePrincipal(http, std::move(workload));
    }
  }
  std::string client_id = First(options.azure_client_id, "AZURE_CLIENT_ID");
  auth.describe =
      client_id.empty() ? "the machine's managed identity" : "the managed identity " + client_id;
  auth.tokens = ManagedIdentityTokens(http, {"https://storage.azure.com", client_id, ""});
  return auth;
}

}  // namespace tributary
