#include "clients/http/access_token.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

#include "clients/http/url.h"
#include "support/loopback_http_server.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

using testing::LoopbackHttpServer;
using testing::LoopbackReply;
using testing::LoopbackRequest;

std::string Field(const std::string& form, const std::string& name) {
  for (const auto& [n, v] : ParseQuery(form)) {
    if (n == name) return v;
  }
  return "";
}

ClientCredentials Principal(const std::string& authority) {
  return {"my-tenant", "my-client", "S3cr3t+value",
          "https://analysis.windows.net/powerbi/api/.default", authority};
}

TEST(HttpAccessToken, ClientCredentialsPostsTheFormAndCachesTheToken) {
  LoopbackHttpServer server([](const LoopbackRequest&) {
    return LoopbackReply::Answer(
        200, R"({"token_type":"Bearer","expires_in":3599,"access_token":"tok-1"})");
  });
  auto tokens = ClientCredentialsTokens(HttpClient(), Principal(server.Url()));
  EXPECT_EQ(tokens->Token(), "tok-1");
  EXPECT_EQ(tokens->Token(), "tok-1");
  ASSERT_EQ(server.Requests().size(), 1u);  // the second came from the cache
  LoopbackRequest got = server.Requests()[0];
  EXPECT_EQ(got.method, "POST");
  EXPECT_EQ(got.target, "/my-tenant/oauth2/v2.0/token");
  EXPECT_EQ(got.Header("content-type"), "application/x-www-form-urlencoded");
  EXPECT_EQ(Field(got.body, "grant_type"), "client_credentials");
  EXPECT_EQ(Field(got.body, "client_id"), "my-client");
  EXPECT_EQ(Field(got.body, "client_secret"), "S3cr3t+value");
  EXPECT_EQ(Field(got.body, "scope"), "https://analysis.windows.net/powerbi/api/.default");
}

TEST(HttpAccessToken, ATokenCloseToExpiryIsFetchedAgain) {
  int n = 0;
  LoopbackHttpServer server([&](const LoopbackRequest&) {
    return LoopbackReply::Answer(
        200, R"({"expires_in":120,"access_token":"tok-)" + std::to_string(++n) + "\"}");
  });
  auto tokens = ClientCredentialsTokens(HttpClient(), Principal(server.Url()));
  EXPECT_EQ(tokens->Token(), "tok-1");
  EXPECT_EQ(tokens->Token(), "tok-2");  // 120 s left is under the 5 min margin
}

TEST(HttpAccessToken, ARefusalNamesTheErrorButNotTheSecret) {
  LoopbackHttpServer server([](const LoopbackRequest&) {
    return LoopbackReply::Answer(
        401,
        R"({"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.\r\nTrace ID: x"})");
  });
  auto tokens = ClientCredentialsTokens(HttpClient(), Principal(server.Url()));
  try {
    tokens->Token();
    FAIL() << "expected TokenError";
  } catch (const TokenError& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("invalid_client"), std::string::npos) << message;
    EXPECT_NE(message.find("AADSTS7000215"), std::string::npos) << message;
    EXPECT_NE(message.find("my-client"), std::string::npos) << message;
    EXPECT_NE(message.find("client secret"), std::string::npos) << message;
    EXPECT_EQ(message.find("S3cr3t"), std::string::npos) << message;
    EXPECT_EQ(message.find("Trace ID"), std::string::npos) << message;
  }
}

TEST(HttpAccessToken, WorkloadIdentitySendsTheFederatedTokenAsAnAssertion) {
  testing::TempDir dir;
  std::ofstream(dir / "azure-identity-token") << "eyJ.federated.jwt\n";
  LoopbackHttpServer server([](const LoopbackRequest&) {
    return LoopbackReply::Answer(200, R"({"expires_in":3600,"access_token":"wi-tok"})");
  });
  ClientCredentials c = Principal(server.Url());
  c.client_secret = "";
  c.assertion_file = (dir / "azure-identity-token").string();
  auto tokens = ClientCredentialsTokens(HttpClient(), c);
  EXPECT_EQ(tokens->Token(), "wi-tok");
  std::string form = server.Requests()[0].body;
  EXPECT_EQ(Field(form, "client_assertion"), "eyJ.federated.jwt");
  EXPECT_EQ(Field(form, "client_assertion_type"),
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer");
  EXPECT_EQ(form.find("client_secret"), std::string::npos) << form;

  c.assertion_file = (dir / "missing").string();
  EXPECT_THROW(ClientCredentialsTokens(HttpClient(), c)->Token(), TokenError);
}

TEST(HttpAccessToken, ManagedIdentityAsksTheMetadataEndpoint) {
  LoopbackHttpServer server([](const LoopbackRequest&) {
    return LoopbackReply::Answer(
        200,
        R"({"access_token":"mi-tok","expires_in":"86399","resource":"https://storage.azure.com"})");
  });
  auto tokens = ManagedIdentityTokens(
      HttpClient(), {"https://storage.azure.com", "user-assigned-id", server.Url() + "/token"});
  EXPECT_EQ(tokens->Token(), "mi-tok");
  EXPECT_EQ(tokens->Token(), "mi-tok");
  ASSERT_EQ(server.Requests().size(), 1u);
  LoopbackRequest got = server.Requests()[0];
  EXPECT_EQ(got.method, "GET");
  EXPECT_EQ(got.Header("metadata"), "true");
  std::string query = got.target.substr(got.target.find('?') + 1);
  EXPECT_EQ(Field(query, "resource"), "https://storage.azure.com");
  EXPECT_EQ(Field(query, "client_id"), "user-assigned-id");
  EXPECT_FALSE(Field(query, "api-version").empty());
}

TEST(HttpAccessToken, AnAnswerWithoutATokenIsAnError) {
  EXPECT_THROW(ParseTokenResponse(R"({"foo":1})", "x"), TokenError);
  EXPECT_THROW(ParseTokenResponse("not json", "x"), TokenError);
  AccessToken t = ParseTokenResponse(R"({"access_token":"a","expires_on":"2000000000"})", "x");
  EXPECT_EQ(t.value, "a");
  EXPECT_EQ(std::chrono::system_clock::to_time_t(t.expires), 2000000000);
}

}  // namespace
}  // namespace tributary
