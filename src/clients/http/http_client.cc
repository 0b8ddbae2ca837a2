#include "clients/http/http_client.h"

#include <thread>

#include "clients/http/url.h"
#include "common/log.h"

namespace tributary {

namespace {

using Clock = std::chrono::steady_clock;

std::string Describe(const HttpRequest& request) {
  return request.method + " " + RedactUrl(request.url);
}

// One debug line per request (--verbose), one per retry.
void LogDebug(const char* what, const HttpRequest& request, LogFields fields) {
  if (!LogEnabled(LogLevel::kDebug)) return;
  fields["request"] = Describe(request);
  Log(LogLevel::kDebug, what, fields);
}

std::string Reason(const TransferResult& result) {
  return result.completed ? "HTTP " + std::to_string(result.response.status) : result.error;
}

}  // namespace

HttpResponse HttpClient::Send(const HttpRequest& request, const Prepare& prepare,
                              const RetryIf& retry_if) const {
  const RetryPolicy& policy = options_.retry;
  Clock::time_point start = Clock::now();
  for (int attempt = 1;; ++attempt) {
    HttpRequest copy = request;
    if (prepare) prepare(copy);
    TransferResult result = PerformTransfer(copy, options_.timeouts);
    const HttpResponse& response = result.response;
    bool retry = result.completed
                     ? IsRetryableStatus(response.status) || (retry_if && retry_if(response))
                     : result.transient;
    if (retry && attempt < policy.max_attempts) {
      auto delay =
          RetryDelay(policy, attempt, result.completed ? response.Header("retry-after") : "");
      if (Clock::now() + delay - start <= policy.total_deadline) {
        LogDebug("retrying an HTTP request", request,
                 {{"reason", Reason(result)}, {"delay_ms", std::to_string(delay.count())}});
        std::this_thread::sleep_for(delay);
        continue;
      }
    }
    if (!result.completed) {
      throw HttpError(Describe(request) + " failed after " + std::to_string(attempt) +
                      (attempt == 1 ? " attempt: " : " attempts: ") + result.error);
    }
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    LogDebug("HTTP request", request,
             {{"status", std::to_string(response.status)},
              {"attempts", std::to_string(attempt)},
              {"ms", std::to_string(ms.count())}});
    return std::move(result.response);
  }
}

}  // namespace tributary
