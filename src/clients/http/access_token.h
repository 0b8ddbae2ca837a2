// OAuth2 access tokens for Microsoft Entra ID: a service principal's client
// credentials (any scope: Azure Storage now, Power BI later) and a
// machine's managed identity (the instance metadata service). Tokens are
// cached and fetched again 5 minutes before they expire.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "clients/http/http_client.h"

namespace tributary {

// A token fetch failed: the identity provider refused the credentials or
// could not be reached. The message names the endpoint, the client id and
// the provider's error code and description, never the secret.
class TokenError : public Error {
 public:
  using Error::Error;
};

struct AccessToken {
  std::string value;  // a secret: never printed, never logged
  std::chrono::system_clock::time_point expires;
};

// Hands out a valid token, fetching one when the cached one is missing or
// expires within `kTokenMinTtl`. Thread-safe: one fetch at a time.
class TokenSource {
 public:
  using Fetch = std::function<AccessToken()>;
  static constexpr std::chrono::minutes kTokenMinTtl{5};

  // `describe` names the identity in messages ("service principal <id>").
  TokenSource(Fetch fetch, std::string describe)
      : fetch_(std::move(fetch)), describe_(std::move(describe)) {}

  // Throws TokenError (or HttpError) when a needed fetch fails.
  std::string Token();
  const std::string& Describe() const { return describe_; }

 private:
  Fetch fetch_;
  std::string describe_;
  std::mutex mutex_;
  AccessToken cached_;
};

struct ClientCredentials {
  std::string tenant_id;
  std::string client_id;
  std::string client_secret;  // a secret
  std::string scope;          // "https://storage.azure.com/.default"
  // Where the tenant's token endpoint lives: the public cloud by default,
  // a national cloud or a test server otherwise.
  std::string authority = "https://login.microsoftonline.com";
  // Workload identity (AKS): instead of a secret, a federated token read
  // from this file at every fetch (it is rotated) and sent as a JWT
  // client assertion.
  std::string assertion_file = "";
};

// Client credentials grant: POST {authority}/{tenant}/oauth2/v2.0/token.
std::unique_ptr<TokenSource> ClientCredentialsTokens(const HttpClient& http,
                                                     ClientCredentials credentials);

struct ManagedIdentity {
  std::string resource;   // "https://storage.azure.com"
  std::string client_id;  // a user-assigned identity; "" = the system-assigned one
  // The metadata endpoint; "" = IDENTITY_ENDPOINT (App Service, with
  // IDENTITY_HEADER) or the VM's http://169.254.169.254/metadata/identity/oauth2/token.
  std::string endpoint;
};

std::unique_ptr<TokenSource> ManagedIdentityTokens(const HttpClient& http,
                                                   ManagedIdentity identity);

// Reads an OAuth token response ({"access_token", "expires_in"} with
// expires_in a number or a string, or "expires_on" in epoch seconds).
// Throws TokenError naming `who` when the body is not one.
AccessToken ParseTokenResponse(const std::string& body, const std::string& who);

}  // namespace tributary
