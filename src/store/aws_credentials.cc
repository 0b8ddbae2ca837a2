#include "store/aws_credentials.h"

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <sstream>

#include "clients/http/url.h"
#include "store/store_time.h"

namespace tributary {

namespace {

using SystemClock = std::chrono::system_clock;

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value == nullptr ? "" : value;
}

std::string ReadFile(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw StoreError("cannot read " + what + " " + path + "; check that the file exists");
  std::stringstream text;
  text << in.rdbuf();
  std::string s = text.str();
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

AwsCredentials FromJson(const std::string& body, const std::string& who) {
  auto json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_object() || !json.contains("AccessKeyId") || !json.contains("SecretAccessKey")) {
    throw StoreError(who + " answered without AWS credentials");
  }
  AwsCredentials c;
  c.access_key_id = json["AccessKeyId"].get<std::string>();
  c.secret_access_key = json["SecretAccessKey"].get<std::string>();
  if (json.contains("Token")) c.session_token = json["Token"].get<std::string>();
  std::string expiration = json.value("Expiration", "");
  c.expires = ExpiryOr(expiration, std::chrono::hours(1));
  return c;
}

HttpResponse Call(const HttpClient& http, const HttpRequest& request, const std::string& who) {
  try {
    return http.Send(request);
  } catch (const HttpError& e) {
    throw StoreError(who + " could not be reached: " + e.what());
  }
}

AwsCredentials WebIdentity(const HttpClient& http, const std::string& region) {
  std::string endpoint = Env("AWS_ENDPOINT_URL_STS");
  if (endpoint.empty()) endpoint = "https://sts." + region + ".amazonaws.com";
  std::string session = Env("AWS_ROLE_SESSION_NAME");
  if (session.empty()) session = "tributary-" + std::to_string(getpid());
  HttpRequest request;
  request.method = "POST";
  request.url = endpoint + "/";
  request.SetHeader("Content-Type", "application/x-www-form-urlencoded");
  request.body = EncodeQuery({{"Action", "AssumeRoleWithWebIdentity"},
                              {"Version", "2011-06-15"},
                              {"RoleArn", Env("AWS_ROLE_ARN")},
                              {"RoleSessionName", session},
                              {"WebIdentityToken", ReadFile(Env("AWS_WEB_IDENTITY_TOKEN_FILE"),
                                                            "the web identity token file")}});
  std::string who = "STS (" + RedactUrl(endpoint) + ") for role " + Env("AWS_ROLE_ARN");
  HttpResponse response = Call(http, request, who);
  pugi::xml_document doc;
  doc.load_string(response.body.c_str());
  if (!response.Ok()) {
    std::string code = doc.select_node("//Error/Code").node().child_value();
    throw StoreError(who + " refused the web identity token: HTTP " +
                     std::to_string(response.status) + (code.empty() ? "" : " " + code) +
                     "; check AWS_ROLE_ARN and the role's trust policy");
  }
  pugi::xml_node creds = doc.select_node("//Credentials").node();
  AwsCredentials c;
  c.access_key_id = creds.child_value("AccessKeyId");
  c.secret_access_key = creds.child_value("SecretAccessKey");
  c.session_token = creds.child_value("SessionToken");
  c.expires = ExpiryOr(creds.child_value("Expiration"), std::chrono::hours(1));
  if (c.access_key_id.empty()) throw StoreError(who + " answered without credentials");
  return c;
}

AwsCredentials Container(const HttpClient& http) {
  std::string url = Env("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  if (url.empty()) url = "http://169.254.170.2" + Env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
  HttpRequest request;
  request.url = url;
  std::string token = Env("AWS_CONTAINER_AUTHORIZATION_TOKEN");
  if (std::string file = Env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"); !file.empty()) {
    token = ReadFile(file, "the container authorization token file");
  }
  if (!token.empty()) request.SetHeader("Authorization", token);
  std::string who = "the container credentials endpoint " + RedactUrl(url);
  HttpResponse response = Call(http, request, who);
  if (!response.Ok()) {
    throw StoreError(who + " answered HTTP " + std::to_string(response.status) +
                     "; check the task role of the container");
  }
  return FromJson(response.body, who);
}

AwsCredentials InstanceMetadata(const HttpClient& http) {
  std::string base = Env("AWS_EC2_METADATA_SERVICE_ENDPOINT");
  if (base.empty()) base = "http://169.254.169.254";
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string who = "the EC2 instance metadata service " + base;
  HttpRequest token_request;
  token_request.method = "PUT";
  token_request.url = base + "/latest/api/token";
  token_request.SetHeader("X-aws-ec2-metadata-token-ttl-seconds", "21600");
  HttpResponse token = Call(http, token_request, who);
  if (!token.Ok())
    throw StoreError(who + " refused a session token: HTTP " + std::to_string(token.status));
  HttpRequest request;
  request.url = base + "/latest/meta-data/iam/security-credentials/";
  request.SetHeader("X-aws-ec2-metadata-token", token.body);
  HttpResponse roles = Call(http, request, who);
  std::string role = roles.body.substr(0, roles.body.find('\n'));
  if (!roles.Ok() || role.empty()) {
    throw StoreError(who + " has no IAM role for this instance; attach an instance profile");
  }
  request.url += PercentEncode(role);
  HttpResponse response = Call(http, request, who);
  if (!response.Ok()) {
    throw StoreError(who + " answered HTTP " + std::to_string(response.status) + " for role " +
                     role);
  }
  return FromJson(response.body, who + " (role " + role + ")");
}

// The metadata services answer at once or not at all: a short wait, few tries.
HttpClient MetadataClient(const HttpClient& http) {
  HttpOptions options = http.options();
  options.timeouts.connect = std::min(options.timeouts.connect, std::chrono::milliseconds(1000));
  options.timeouts.total = std::chrono::milliseconds(5000);
  options.retry.max_attempts = std::min(options.retry.max_attempts, 3);
  return HttpClient(options);
}

}  // namespace

AwsCredentials AwsCredentialSource::Get() {
  std::lock_guard lock(mutex_);
  if (!cached_ || (cached_->expires && SystemClock::now() + kMinTtl >= *cached_->expires)) {
    cached_ = fetch_();
  }
  return *cached_;
}

std::unique_ptr<AwsCredentialSource> AwsCredentialChain(const StoreOptions& options,
                                                        const HttpClient& http,
                                                        const std::string& region) {
  auto make = [](AwsCredentialSource::Fetch fetch, std::string describe) {
    return std::make_unique<AwsCredentialSource>(std::move(fetch), std::move(describe));
  };
  if (!options.aws_access_key_id.empty() || !options.aws_secret_access_key.empty()) {
    AwsCredentials c{options.aws_access_key_id, options.aws_secret_access_key,
                     options.aws_session_token, std::nullopt};
    return make([c] { return c; }, "the access key " + c.access_key_id + " of the sink settings");
  }
  if (!Env("AWS_ACCESS_KEY_ID").empty()) {
    AwsCredentials c{Env("AWS_ACCESS_KEY_ID"), Env("AWS_SECRET_ACCESS_KEY"),
                     Env("AWS_SESSION_TOKEN"), std::nullopt};
    return make([c] { return c; }, "the access key " + c.access_key_id + " of AWS_ACCESS_KEY_ID");
  }
  if (!Env("AWS_WEB_IDENTITY_TOKEN_FILE").empty() && !Env("AWS_ROLE_ARN").empty()) {
    return make([http, region] { return WebIdentity(http, region); },
                "web identity for role " + Env("AWS_ROLE_ARN"));
  }
  if (!Env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI").empty() ||
      !Env("AWS_CONTAINER_CREDENTIALS_FULL_URI").empty()) {
    return make([http] { return Container(http); }, "the container credentials endpoint");
  }
  if (Env("AWS_EC2_METADATA_DISABLED") == "true") {
    throw StoreError(
        "no AWS credentials found: set aws_access_key_id and aws_secret_access_key in the sink "
        "settings, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a web identity "
        "(AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN)");
  }
  HttpClient metadata = MetadataClient(http);
  auto fetch = [metadata] {
    try {
      return InstanceMetadata(metadata);
    } catch (const StoreError& e) {
      throw StoreError(
          "no AWS credentials: none in the sink settings (aws_access_key_id, "
          "aws_secret_access_key), AWS_ACCESS_KEY_ID, web identity (AWS_WEB_IDENTITY_TOKEN_FILE, "
          "AWS_ROLE_ARN) or the container endpoint, and " +
          std::string(e.what()) + "; set one of them");
    }
  };
  return make(fetch,
              "the EC2 instance metadata service (no static keys, AWS_ACCESS_KEY_ID or web "
              "identity were set)");
}

}  // namespace tributary
