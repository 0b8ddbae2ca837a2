// A tiny HTTP/1.1 server on 127.0.0.1 for tests of the HTTP client and the
// token and credential sources: each request is answered by a script
// (a status and body, a dropped connection, or silence), one connection at
// a time, "Connection: close" on every answer.
#pragma once

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace tributary::testing {

struct LoopbackRequest {
  std::string method;
  std::string target;                                        // path and query as sent
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string Header(const std::string& lower_name) const;
};

struct LoopbackReply {
  enum class Kind { kAnswer, kDrop, kHang } kind = Kind::kAnswer;
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static LoopbackReply Answer(int status, std::string body = "") {
    return {Kind::kAnswer, status, std::move(body), {}};
  }
  // Closes the connection after reading the request, without answering.
  static LoopbackReply Drop() { return {Kind::kDrop, 0, "", {}}; }
  // Reads the request and never answers (until the server stops).
  static LoopbackReply Hang() { return {Kind::kHang, 0, "", {}}; }
};

// Starts listening at once on a free port; stops and joins on destruction.
class LoopbackHttpServer {
 public:
  using Handler = std::function<LoopbackReply(const LoopbackRequest&)>;

  explicit LoopbackHttpServer(Handler handler);
  ~LoopbackHttpServer();
  LoopbackHttpServer(const LoopbackHttpServer&) = delete;
  LoopbackHttpServer& operator=(const LoopbackHttpServer&) = delete;

  int port() const { return port_; }
  std::string Url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  // Every request received so far (thread-safe copy).
  std::vector<LoopbackRequest> Requests() const;

 private:
  void Serve();
  void Handle(int fd);

  Handler handler_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<LoopbackRequest> requests_;
  std::thread thread_;
};

// A port on 127.0.0.1 that was free a moment ago (for emulators).
int FreeLoopbackPort();

}  // namespace tributary::testing
