#include "clients/http/access_token.h"

#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "clients/http/url.h"

namespace tributary {

namespace {

using SystemClock = std::chrono::system_clock;

int64_t NumberOrString(const nlohmann::json& value) {
  if (value.is_number()) return value.get<int64_t>();
  if (value.is_string()) return std::stoll(value.get<std::string>());
  throw std::invalid_argument("not a number");
}

std::string EnvOr(const char* name, const std::string& fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value ? value : fallback;
}

// The provider's own words for a refusal: Entra ID's "error" and
// "error_description" (which never echo the secret).
std::string Refusal(const HttpResponse& response) {
  std::string text = "HTTP " + std::to_string(response.status);
  auto json = nlohmann::json::parse(response.body, nullptr, false);
  if (json.is_object() && json.contains("error")) {
    const auto& error = json["error"];
    text += ": " + (error.is_string() ? error.get<std::string>() : error.dump());
    if (json.contains("error_description") && json["error_description"].is_string()) {
      std::string description = json["error_description"].get<std::string>();
      text += " (" + description.substr(0, description.find_first_of("\r\n")) + ")";
    }
  }
  return text;
}

QueryParams CredentialForm(const ClientCredentials& c) {
  QueryParams form = {{"grant_type", "client_credentials"}, {"client_id", c.client_id}};
  if (c.assertion_file.empty()) {
    form.emplace_back("client_secret", c.client_secret);
  } else {
    std::ifstream in(c.assertion_file, std::ios::binary);
    std::stringstream assertion;
    assertion << in.rdbuf();
    std::string jwt = assertion.str();
    while (!jwt.empty() && (jwt.back() == '\n' || jwt.back() == '\r')) jwt.pop_back();
    if (!in || jwt.empty()) {
      throw TokenError("cannot read the federated token file " + c.assertion_file +
                       " (AZURE_FEDERATED_TOKEN_FILE); check the workload identity setup");
    }
    form.emplace_back("client_assertion_type",
                      "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
    form.emplace_back("client_assertion", jwt);
  }
  form.emplace_back("scope", c.scope);
  return form;
}

}  // namespace

std::string TokenSource::Token() {
  std::lock_guard lock(mutex_);
  if (cached_.value.empty() || SystemClock::now() + kTokenMinTtl >= cached_.expires) {
    cached_ = fetch_();
  }
  return cached_.value;
}

AccessToken ParseTokenResponse(const std::string& body, const std::string& who) {
  auto json = nlohmann::json::parse(body, nullptr, false);
  try {
    if (!json.is_object() || !json.contains("access_token")) throw std::invalid_argument("");
    AccessToken token;
    token.value = json["access_token"].get<std::string>();
    if (json.contains("expires_in")) {
      token.expires = SystemClock::now() + std::chrono::seconds(NumberOrString(json["expires_in"]));
    } else if (json.contains("expires_on")) {
      token.expires =
          SystemClock::time_point(std::chrono::seconds(NumberOrString(json["expires_on"])));
    } else {
      token.expires = SystemClock::now() + std::chrono::minutes(10);
    }
    return token;
  } catch (const std::exception&) {
    throw TokenError(who + " answered without a usable access token");
  }
}

std::unique_ptr<TokenSource> ClientCredentialsTokens(const HttpClient& http, ClientCredentials c) {
  std::string describe = (c.assertion_file.empty() ? "service principal " : "workload identity ") +
                         c.client_id + " of tenant " + c.tenant_id;
  auto fetch = [http, c, describe]() {
    HttpRequest request;
    request.method = "POST";
    request.url = c.authority + "/" + PercentEncode(c.tenant_id) + "/oauth2/v2.0/token";
    request.SetHeader("Content-Type", "application/x-www-form-urlencoded");
    request.SetHeader("Accept", "application/json");
    request.body = EncodeQuery(CredentialForm(c));
    HttpResponse response = http.Send(request);
    std::string who = "the token endpoint " + RedactUrl(request.url) + " for " + describe;
    if (!response.Ok()) {
      throw TokenError(who + " refused the client credentials: " + Refusal(response) +
                       "; check the tenant id, client id and client secret (or federated token)");
    }
    return ParseTokenResponse(response.body, who);
  };
  return std::make_unique<TokenSource>(fetch, describe);
}

std::unique_ptr<TokenSource> ManagedIdentityTokens(const HttpClient& http, ManagedIdentity m) {
  std::string describe =
      m.client_id.empty() ? "the managed identity" : "the managed identity " + m.client_id;
  auto fetch = [http, m, describe]() {
    std::string identity_header = EnvOr("IDENTITY_HEADER", "");
    std::string endpoint =
        m.endpoint.empty()
            ? EnvOr("IDENTITY_ENDPOINT", "http://169.254.169.254/metadata/identity/oauth2/token")
            : m.endpoint;
    QueryParams query = {{"api-version", "2019-08-01"}, {"resource", m.resource}};
    if (!m.client_id.empty()) query.emplace_back("client_id", m.client_id);
    HttpRequest request;
    request.url = endpoint + "?" + EncodeQuery(query);
    request.SetHeader("Metadata", "true");
    if (!identity_header.empty()) request.SetHeader("X-IDENTITY-HEADER", identity_header);
    HttpResponse response = http.Send(request);
    std::string who = "the managed identity endpoint " + RedactUrl(request.url);
    if (!response.Ok()) {
      throw TokenError(who + " gave no token for " + describe + ": " + Refusal(response) +
                       "; check that the machine has " + describe + " and that it may use " +
                       m.resource);
    }
    return ParseTokenResponse(response.body, who);
  };
  return std::make_unique<TokenSource>(fetch, describe);
}

}  // namespace tributary
