#include "store/azure_client.h"

#include "clients/http/url.h"
#include "store/azure_shared_key.h"
#include "store/azure_xml.h"
#include "store/object_store.h"
#include "store/store_time.h"

namespace tributary {

namespace {

// Azure answers a bad signature with AuthenticationFailed, Azurite with
// AuthorizationFailure; both say "failed to authenticate".
std::string Fix(const std::string& code, const std::string& message, long status,
                const AzureConfig& c, const std::string& credentials) {
  if (code == "AuthenticationFailed" || code == "InvalidAuthenticationInfo" ||
      code == "NoAuthenticationInformation" ||
      message.find("failed to authenticate") != std::string::npos) {
    return "the credentials (" + credentials + ") were refused; check the account name '" +
           c.account +
           "' and the account key, SAS token or service principal (an expired SAS "
           "or a clock far off also causes this)";
  }
  if (code == "ContainerNotFound") {
    return "container '" + c.container + "' does not exist in storage account '" + c.account +
           "'; create it or correct the sink path";
  }
  if (code == "AuthorizationPermissionMismatch" || code == "AuthorizationFailure" ||
      code == "AuthorizationResourceTypeMismatch" || status == 403) {
    return "the credentials (" + credentials +
           ") may not do this; grant the role Storage Blob Data Contributor on the container "
           "(or a SAS with read, write, delete and list permissions)";
  }
  return "";
}

}  // namespace

AzureClient::AzureClient(AzureConfig config, AzureAuth auth)
    : config_(std::move(config)), auth_(std::move(auth)), http_(config_.http) {
  if (config_.endpoint.empty()) {
    config_.endpoint = "https://" + config_.account + ".blob.core.windows.net";
  }
  while (!config_.endpoint.empty() && config_.endpoint.back() == '/') config_.endpoint.pop_back();
  if (!auth_.sas_token.empty() && auth_.sas_token.front() == '?') auth_.sas_token.erase(0, 1);
}

std::string AzureClient::UrlFor(const std::string& full_key, const std::string& query) const {
  std::string url = config_.endpoint + "/" + config_.container;
  if (!full_key.empty()) url += "/" + PercentEncode(full_key, true);
  return query.empty() ? url : url + "?" + query;
}

void AzureClient::Authorize(HttpRequest& request) const {
  request.SetHeader("x-ms-date", FormatRfc1123(std::chrono::system_clock::now()));
  request.SetHeader("x-ms-version", kApiVersion);
  if (!auth_.account_key.empty()) {
    SignSharedKey(request, config_.account, auth_.account_key);
  } else if (auth_.tokens) {
    try {
      request.SetHeader("Authorization", "Bearer " + auth_.tokens->Token());
    } catch (const Error& e) {
      throw StoreError(config_.url + ": no access token: " + e.what());
    }
  }
}

HttpResponse AzureClient::Send(const HttpRequest& request) const {
  HttpRequest copy = request;
  if (!auth_.sas_token.empty() && auth_.account_key.empty()) {
    copy.url += (copy.url.find('?') == std::string::npos ? "?" : "&") + auth_.sas_token;
  }
  try {
    return http_.Send(copy, [this](HttpRequest& r) { Authorize(r); });
  } catch (const HttpError& e) {
    throw StoreError(config_.url + ": " + e.what() +
                     "; check the account, azure_endpoint and the network");
  }
}

std::string AzureClient::ErrorCode(const HttpResponse& response) {
  std::string code = response.Header("x-ms-error-code");
  return code.empty() ? ParseAzureError(response.body).first : code;
}

void AzureClient::Fail(const HttpResponse& response, const std::string& action,
                       const std::string& key) const {
  std::string code = ErrorCode(response);
  std::string message = ParseAzureError(response.body).second;
  std::string text = config_.url + ": cannot " + action;
  if (!key.empty()) text += " '" + key + "'";
  text += ": HTTP " + std::to_string(response.status);
  if (!code.empty()) text += " " + code;
  if (!message.empty()) text += " (" + message + ")";
  std::string fix = Fix(code, message, response.status, config_, auth_.describe);
  throw StoreError(fix.empty() ? text : text + "; " + fix);
}

}  // namespace tributary
