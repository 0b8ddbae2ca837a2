// The HTTP client the object stores and the token sources use: one
// exchange, retried with exponential back-off and jitter on 5xx, 429,
// timeouts and dropped connections, within a bounded number of attempts and
// a total deadline.
#pragma once

#include <functional>

#include "clients/http/curl_transfer.h"
#include "clients/http/http_message.h"
#include "clients/http/retry_policy.h"

namespace tributary {

struct HttpOptions {
  RetryPolicy retry;
  HttpTimeouts timeouts;
};

// Thread-safe and cheap to copy; connections are reused per thread.
class HttpClient {
 public:
  explicit HttpClient(HttpOptions options = {}) : options_(options) {}

  // Called on a copy of the request before every attempt: signatures carry
  // the time and temporary credentials may have been refreshed.
  using Prepare = std::function<void(HttpRequest&)>;
  // Whether a complete response must be retried although its status says
  // otherwise (S3's CompleteMultipartUpload answers 200 with an <Error>).
  using RetryIf = std::function<bool(const HttpResponse&)>;

  // The final response: a success, a status not worth retrying, or the
  // last retryable one when the attempts or the deadline ran out. Throws
  // HttpError when no response came at all (the message names the method
  // and the URL without its query, the attempts, and curl's reason).
  HttpResponse Send(const HttpRequest& request, const Prepare& prepare = {},
                    const RetryIf& retry_if = {}) const;

  const HttpOptions& options() const { return options_; }

 private:
  HttpOptions options_;
};

}  // namespace tributary
