// How Azure Blob requests are authorized, from the sink settings first and
// the standard environment second: an account key (azure_account_key;
// AZURE_STORAGE_ACCOUNT_KEY / AZURE_STORAGE_KEY), a SAS (azure_sas_token;
// AZURE_STORAGE_SAS_TOKEN), a service principal (azure_tenant_id +
// azure_client_id + azure_client_secret; AZURE_TENANT_ID + AZURE_CLIENT_ID +
// AZURE_CLIENT_SECRET, token endpoint under AZURE_AUTHORITY_HOST), workload
// identity (AZURE_FEDERATED_TOKEN_FILE + AZURE_CLIENT_ID + AZURE_TENANT_ID,
// as AKS injects them), else the machine's managed identity
// (AZURE_CLIENT_ID picks a user-assigned one).
#pragma once

#include <string>

#include "clients/http/http_client.h"
#include "store/azure_client.h"
#include "store/open_store.h"

namespace tributary {

// The scope Entra ID tokens for Azure Storage are asked for.
inline constexpr const char* kAzureStorageScope = "https://storage.azure.com/.default";

// Picks the first configured way (no network call; tokens are fetched on
// first use and cached).
AzureAuth ResolveAzureAuth(const StoreOptions& options, const HttpClient& http);

}  // namespace tributary
