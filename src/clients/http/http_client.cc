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

}  // namespace

HttpResponse HttpClient::Send(const HttpRequest& request, const Prepare& prepare,
                              const RetryIf& retry_if) const {
  const RetryPolicy& policy = options_.retry;
  Clock::time_point start = Clock::now();
  for (int attempt = 1;; ++attempt) {
    HttpRequest copy = request;
    if (prepare) prepare(copy);
    TransferResult result = PerformTransfer(copy, options_.timeouts);
    bool retry = result.completed ? IsRetryableStatus(result.response.status) ||
                                        (retry_if && retry_if(result.response))
                                  : result.transient;
    std::string why =
        result.completed ? "HTTP " + std::to_string(result.response.status) : result.error;
    if (retry && attempt < policy.max_attempts) {
      auto delay = RetryDelay(policy, attempt,
                              result.completed ? result.response.Header("retry-after") : "");
      if (Clock::now() + delay - start <= policy.total_deadline) {
        if (LogEnabled(LogLevel::kDebug)) {
          Log(LogLevel::kDebug, "retrying an HTTP request",
              {{"request", Describe(request)},
               {"reason", why},
               {"attempt", std::to_string(attempt + 1)},
               {"delay_ms", std::to_string(delay.count())}});
        }
        std::this_thread::sleep_for(delay);
        continue;
      }
    }
    if (result.completed) return std::move(result.response);
    throw HttpError(Describe(request) + " failed after " + std::to_string(attempt) +
                    (attempt == 1 ? " attempt: " : " attempts: ") + why);
  }
}

}  // namespace tributary
