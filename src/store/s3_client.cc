#include "store/s3_client.h"

#include "clients/http/url.h"
#include "store/s3_xml.h"

namespace tributary {

namespace {

std::string Fix(const S3ErrorBody& error, long status, const S3Config& c,
                const std::string& credentials) {
  const std::string& code = error.code;
  if (code == "InvalidAccessKeyId" || code == "SignatureDoesNotMatch" ||
      code == "InvalidClientTokenId" || code == "ExpiredToken" || code == "InvalidToken") {
    return "the credentials (" + credentials +
           ") were refused; check the access key id, the secret access key and the session token";
  }
  if (code == "NoSuchBucket") {
    return "bucket '" + c.bucket + "' does not exist at " + RedactUrl(c.endpoint) +
           "; create it, or correct the sink path, aws_region or aws_endpoint";
  }
  if (code == "PermanentRedirect" || code == "AuthorizationHeaderMalformed" || status == 301) {
    return "bucket '" + c.bucket + "' is not in region " + c.region + "; set aws_region";
  }
  if (status == 403) {
    return "the credentials (" + credentials +
           ") may not do this; allow s3:ListBucket, s3:GetObject, s3:PutObject, "
           "s3:DeleteObject and s3:AbortMultipartUpload on the bucket and prefix";
  }
  return "";
}

}  // namespace

S3Client::S3Client(S3Config config, std::unique_ptr<AwsCredentialSource> credentials)
    : config_(std::move(config)), credentials_(std::move(credentials)), http_(config_.http) {
  if (config_.endpoint.empty())
    config_.endpoint = "https://s3." + config_.region + ".amazonaws.com";
  while (!config_.endpoint.empty() && config_.endpoint.back() == '/') config_.endpoint.pop_back();
}

std::string S3Client::UrlFor(const std::string& full_key, const std::string& query) const {
  std::string url;
  if (config_.virtual_hosted) {
    size_t scheme = config_.endpoint.find("://");
    size_t host = scheme == std::string::npos ? 0 : scheme + 3;
    url = config_.endpoint.substr(0, host) + config_.bucket + "." + config_.endpoint.substr(host) +
          "/" + PercentEncode(full_key, true);
  } else {
    url = config_.endpoint + "/" + config_.bucket;
    if (!full_key.empty()) url += "/" + PercentEncode(full_key, true);
  }
  return query.empty() ? url : url + "?" + query;
}

HttpResponse S3Client::Send(const HttpRequest& request, const std::string& payload_hash,
                            const HttpClient::RetryIf& retry_if) const {
  std::string hash = payload_hash.empty() ? PayloadHash(request.body) : payload_hash;
  auto sign = [this, &hash](HttpRequest& r) {
    SignAwsV4(r, credentials_->Get(), config_.region, "s3", std::chrono::system_clock::now(), hash);
  };
  try {
    return http_.Send(request, sign, retry_if);
  } catch (const HttpError& e) {
    throw StoreError(config_.url + ": " + e.what() + "; check aws_endpoint and the network");
  }
}

void S3Client::Fail(const HttpResponse& response, const std::string& action,
                    const std::string& key) const {
  S3ErrorBody error = ParseS3Error(response.body);
  std::string text = config_.url + ": cannot " + action;
  if (!key.empty()) text += " '" + key + "'";
  text += ": HTTP " + std::to_string(response.status);
  if (!error.code.empty()) text += " " + error.code;
  if (!error.message.empty()) text += " (" + error.message + ")";
  std::string fix = Fix(error, response.status, config_, credentials_->Describe());
  throw StoreError(fix.empty() ? text : text + "; " + fix);
}

}  // namespace tributary
