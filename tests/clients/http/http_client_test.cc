#include "clients/http/http_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>

#include "common/log.h"
#include "support/loopback_http_server.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

using testing::LoopbackHttpServer;
using testing::LoopbackReply;
using testing::LoopbackRequest;

HttpOptions FastRetries(int attempts = 4) {
  HttpOptions options;
  options.retry.max_attempts = attempts;
  options.retry.initial_delay = std::chrono::milliseconds(5);
  options.retry.max_delay = std::chrono::milliseconds(20);
  options.timeouts.connect = std::chrono::milliseconds(2000);
  return options;
}

HttpRequest Get(const std::string& url) {
  HttpRequest request;
  request.url = url;
  return request;
}

TEST(HttpClient, RetriesA503UntilItSucceeds) {
  std::atomic<int> calls{0};
  LoopbackHttpServer server([&](const LoopbackRequest&) {
    return ++calls <= 2 ? LoopbackReply::Answer(503, "busy") : LoopbackReply::Answer(200, "ok");
  });
  HttpResponse response = HttpClient(FastRetries()).Send(Get(server.Url() + "/x"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "ok");
  EXPECT_EQ(server.Requests().size(), 3u);
}

TEST(HttpClient, RetriesADroppedConnection) {
  std::atomic<int> calls{0};
  LoopbackHttpServer server([&](const LoopbackRequest&) {
    return ++calls == 1 ? LoopbackReply::Drop() : LoopbackReply::Answer(200, "after drop");
  });
  HttpResponse response = HttpClient(FastRetries()).Send(Get(server.Url() + "/x"));
  EXPECT_EQ(response.body, "after drop");
  EXPECT_EQ(server.Requests().size(), 2u);
}

TEST(HttpClient, RetriesA429AndATimeout) {
  std::atomic<int> calls{0};
  LoopbackHttpServer server([&](const LoopbackRequest&) {
    int n = ++calls;
    if (n == 1) return LoopbackReply::Answer(429, "slow down");
    if (n == 2) return LoopbackReply::Hang();
    return LoopbackReply::Answer(200, "third");
  });
  HttpOptions options = FastRetries();
  options.timeouts.total = std::chrono::milliseconds(300);
  HttpResponse response = HttpClient(options).Send(Get(server.Url() + "/x"));
  EXPECT_EQ(response.body, "third");
  EXPECT_EQ(server.Requests().size(), 3u);
}

TEST(HttpClient, DoesNotRetryA400) {
  LoopbackHttpServer server(
      [](const LoopbackRequest&) { return LoopbackReply::Answer(400, "bad"); });
  HttpResponse response = HttpClient(FastRetries()).Send(Get(server.Url() + "/x"));
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.body, "bad");
  EXPECT_EQ(server.Requests().size(), 1u);
}

TEST(HttpClient, StopsAfterTheLastAttemptAndReturnsTheLastAnswer) {
  LoopbackHttpServer server(
      [](const LoopbackRequest&) { return LoopbackReply::Answer(500, "down"); });
  HttpResponse response = HttpClient(FastRetries(3)).Send(Get(server.Url() + "/x"));
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(server.Requests().size(), 3u);
}

TEST(HttpClient, TheTotalDeadlineEndsTheRetries) {
  LoopbackHttpServer server([](const LoopbackRequest&) { return LoopbackReply::Answer(503); });
  HttpOptions options = FastRetries(100);
  options.retry.initial_delay = std::chrono::milliseconds(40);
  options.retry.max_delay = std::chrono::milliseconds(40);
  options.retry.total_deadline = std::chrono::milliseconds(200);
  HttpResponse response = HttpClient(options).Send(Get(server.Url() + "/x"));
  EXPECT_EQ(response.status, 503);
  EXPECT_LT(server.Requests().size(), 10u);
  EXPECT_GE(server.Requests().size(), 2u);
}

TEST(HttpClient, ANetworkFailureThrowsWithoutTheQueryString) {
  int port = testing::FreeLoopbackPort();  // nothing listens there
  HttpRequest request = Get("http://127.0.0.1:" + std::to_string(port) + "/c/b?sig=SECRETSIG");
  try {
    HttpClient(FastRetries(2)).Send(request);
    FAIL() << "expected HttpError";
  } catch (const HttpError& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("/c/b"), std::string::npos) << message;
    EXPECT_NE(message.find("2 attempts"), std::string::npos) << message;
    EXPECT_EQ(message.find("SECRETSIG"), std::string::npos) << message;
  }
}

TEST(HttpClient, SendsHeadersAndABodyFromAFileRange) {
  testing::TempDir dir;
  std::ofstream(dir / "body.bin", std::ios::binary) << "0123456789abcdef";
  LoopbackHttpServer server([](const LoopbackRequest&) { return LoopbackReply::Answer(201); });
  HttpRequest request = Get(server.Url() + "/upload?partNumber=2");
  request.method = "PUT";
  request.SetHeader("X-Test", "yes");
  request.body_file = FileRange{dir / "body.bin", 3, 5};
  EXPECT_EQ(HttpClient(FastRetries()).Send(request).status, 201);
  ASSERT_EQ(server.Requests().size(), 1u);
  LoopbackRequest got = server.Requests()[0];
  EXPECT_EQ(got.method, "PUT");
  EXPECT_EQ(got.target, "/upload?partNumber=2");
  EXPECT_EQ(got.body, "34567");
  EXPECT_EQ(got.Header("x-test"), "yes");
  EXPECT_EQ(got.Header("expect"), "");
}

TEST(HttpClient, APostBodyFromMemoryKeepsItsContentType) {
  LoopbackHttpServer server(
      [](const LoopbackRequest& r) { return LoopbackReply::Answer(200, r.body); });
  HttpRequest request = Get(server.Url() + "/p");
  request.method = "POST";
  request.SetHeader("Content-Type", "application/xml");
  request.body = "<a>1</a>";
  HttpResponse response = HttpClient(FastRetries()).Send(request);
  EXPECT_EQ(response.body, "<a>1</a>");
  EXPECT_EQ(server.Requests()[0].Header("content-type"), "application/xml");
  EXPECT_EQ(server.Requests()[0].method, "POST");
}

TEST(HttpClient, StreamsASuccessfulBodyToAFileAndKeepsErrorsInMemory) {
  testing::TempDir dir;
  LoopbackHttpServer server([](const LoopbackRequest& r) {
    return r.target == "/ok" ? LoopbackReply::Answer(200, std::string(100000, 'z'))
                             : LoopbackReply::Answer(404, "<Error>nope</Error>");
  });
  HttpRequest ok = Get(server.Url() + "/ok");
  ok.response_file = dir / "ok.bin";
  HttpResponse response = HttpClient(FastRetries()).Send(ok);
  EXPECT_TRUE(response.body.empty());
  EXPECT_EQ(std::filesystem::file_size(dir / "ok.bin"), 100000u);

  HttpRequest missing = Get(server.Url() + "/missing");
  missing.response_file = dir / "missing.bin";
  response = HttpClient(FastRetries()).Send(missing);
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.body, "<Error>nope</Error>");
  EXPECT_FALSE(std::filesystem::exists(dir / "missing.bin"));
}

TEST(HttpClient, RetryIfRetriesACompleteAnswer) {
  std::atomic<int> calls{0};
  LoopbackHttpServer server([&](const LoopbackRequest&) {
    return LoopbackReply::Answer(
        200, ++calls == 1 ? "<Error><Code>InternalError</Code></Error>" : "done");
  });
  HttpResponse response =
      HttpClient(FastRetries()).Send(Get(server.Url() + "/c"), {}, [](const HttpResponse& r) {
        return r.body.find("<Error>") != std::string::npos;
      });
  EXPECT_EQ(response.body, "done");
  EXPECT_EQ(calls.load(), 2);
}

TEST(HttpClient, LogsEveryRequestAtDebugLevelWithoutTheQuery) {
  std::atomic<int> calls{0};
  LoopbackHttpServer server([&](const LoopbackRequest&) {
    return ++calls == 1 ? LoopbackReply::Answer(503) : LoopbackReply::Answer(200);
  });
  SetLogLevel(LogLevel::kDebug);
  ::testing::internal::CaptureStderr();
  HttpClient(FastRetries()).Send(Get(server.Url() + "/c/blob?sig=SECRETSIG"));
  std::string log = ::testing::internal::GetCapturedStderr();
  SetLogLevel(LogLevel::kInfo);
  EXPECT_NE(log.find("retrying an HTTP request"), std::string::npos) << log;
  EXPECT_NE(log.find("HTTP 503"), std::string::npos) << log;
  EXPECT_NE(log.find("GET " + server.Url() + "/c/blob"), std::string::npos) << log;
  EXPECT_EQ(log.find("SECRETSIG"), std::string::npos) << log;
}

TEST(RetryPolicy, DelaysGrowExponentiallyWithJitterUpToTheCap) {
  RetryPolicy policy;
  policy.initial_delay = std::chrono::milliseconds(100);
  policy.max_delay = std::chrono::milliseconds(1000);
  for (int i = 0; i < 50; ++i) {
    auto first = RetryDelay(policy, 1).count();
    auto third = RetryDelay(policy, 3).count();
    auto tenth = RetryDelay(policy, 10).count();
    EXPECT_GE(first, 50);
    EXPECT_LE(first, 100);
    EXPECT_GE(third, 200);
    EXPECT_LE(third, 400);
    EXPECT_GE(tenth, 500);
    EXPECT_LE(tenth, 1000);
  }
  EXPECT_EQ(RetryDelay(policy, 1, "1").count(), 1000);  // Retry-After, capped
}

TEST(RetryPolicy, RetryableStatuses) {
  EXPECT_TRUE(IsRetryableStatus(500));
  EXPECT_TRUE(IsRetryableStatus(503));
  EXPECT_TRUE(IsRetryableStatus(429));
  EXPECT_FALSE(IsRetryableStatus(501));
  EXPECT_FALSE(IsRetryableStatus(400));
  EXPECT_FALSE(IsRetryableStatus(403));
  EXPECT_FALSE(IsRetryableStatus(404));
  EXPECT_FALSE(IsRetryableStatus(412));
}

}  // namespace
}  // namespace tributary
