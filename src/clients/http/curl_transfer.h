// One attempt at one HTTP exchange over libcurl, on a curl handle kept per
// thread (so connections are reused by the thread's next requests). The
// retry loop around it is HttpClient's.
#pragma once

#include <chrono>
#include <string>

#include "clients/http/http_message.h"

namespace tributary {

struct HttpTimeouts {
  std::chrono::milliseconds connect{10'000};
  // A transfer moving no byte for this long is abandoned (a stalled
  // connection), however long the whole transfer takes.
  std::chrono::milliseconds stall{60'000};
  // The whole exchange; 0 = no limit (large uploads take as long as they take).
  std::chrono::milliseconds total{0};
};

struct TransferResult {
  bool completed = false;  // a whole response arrived
  bool transient = false;  // not completed, and worth another attempt
  std::string error;       // why not completed (curl's words, no URL)
  HttpResponse response;
};

// Sends `request` once. Never throws for network failures (they are in the
// result); throws HttpError when a local file cannot be read or written.
// Thread-safe: each thread uses its own curl handle.
TransferResult PerformTransfer(const HttpRequest& request, const HttpTimeouts& timeouts);

}  // namespace tributary
