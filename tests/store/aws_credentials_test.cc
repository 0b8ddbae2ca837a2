// The AWS credential chain: which source wins, and the temporary-credential
// sources (web identity through STS, the ECS container endpoint, IMDSv2)
// against scripted loopback servers standing in for the metadata services.
#include "store/aws_credentials.h"

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

// Sets environment variables for one test and restores a clean slate after.
class AwsEnv : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* name : kNames) unsetenv(name);
    setenv("AWS_EC2_METADATA_DISABLED", "true", 1);
  }
  void TearDown() override {
    for (const char* name : kNames) unsetenv(name);
  }
  static constexpr const char* kNames[] = {"AWS_ACCESS_KEY_ID",
                                           "AWS_SECRET_ACCESS_KEY",
                                           "AWS_SESSION_TOKEN",
                                           "AWS_WEB_IDENTITY_TOKEN_FILE",
                                           "AWS_ROLE_ARN",
                                           "AWS_ROLE_SESSION_NAME",
                                           "AWS_ENDPOINT_URL_STS",
                                           "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
                                           "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                                           "AWS_CONTAINER_AUTHORIZATION_TOKEN",
                                           "AWS_EC2_METADATA_SERVICE_ENDPOINT",
                                           "AWS_EC2_METADATA_DISABLED"};
};

std::string Later(int seconds) {
  std::time_t t = std::time(nullptr) + seconds;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buffer;
}

TEST_F(AwsEnv, StaticKeysWinOverTheEnvironment) {
  setenv("AWS_ACCESS_KEY_ID", "ENVKEY", 1);
  setenv("AWS_SECRET_ACCESS_KEY", "envsecret", 1);
  StoreOptions options;
  options.aws_access_key_id = "SETTINGKEY";
  options.aws_secret_access_key = "settingsecret";
  auto source = AwsCredentialChain(options, HttpClient(), "us-east-1");
  EXPECT_EQ(source->Get().access_key_id, "SETTINGKEY");
  EXPECT_EQ(AwsCredentialChain({}, HttpClient(), "us-east-1")->Get().secret_access_key,
            "envsecret");
}

TEST_F(AwsEnv, NoSourceAtAllSaysWhatToSet) {
  try {
    AwsCredentialChain({}, HttpClient(), "us-east-1");
    FAIL() << "expected StoreError";
  } catch (const StoreError& e) {
    EXPECT_NE(std::string(e.what()).find("AWS_ACCESS_KEY_ID"), std::string::npos) << e.what();
  }
}

TEST_F(AwsEnv, WebIdentityAsksStsAndRefreshesBeforeExpiry) {
  testing::TempDir dir;
  std::ofstream(dir / "token") << "eyJ-web-token\n";
  int calls = 0;
  LoopbackHttpServer sts([&](const LoopbackRequest&) {
    ++calls;
    return LoopbackReply::Answer(
        200,
        "<AssumeRoleWithWebIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
        "<AssumeRoleWithWebIdentityResult><Credentials><AccessKeyId>ASIA" +
            std::to_string(calls) +
            "</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>tok</SessionToken>"
            "<Expiration>" +
            Later(calls == 1 ? 120 : 3600) +
            "</Expiration></Credentials>"
            "</AssumeRoleWithWebIdentityResult></AssumeRoleWithWebIdentityResponse>");
  });
  setenv("AWS_WEB_IDENTITY_TOKEN_FILE", (dir / "token").c_str(), 1);
  setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/loader", 1);
  setenv("AWS_ENDPOINT_URL_STS", sts.Url().c_str(), 1);
  auto source = AwsCredentialChain({}, HttpClient(), "us-east-1");
  EXPECT_NE(source->Describe().find("role/loader"), std::string::npos);
  AwsCredentials first = source->Get();
  EXPECT_EQ(first.access_key_id, "ASIA1");
  EXPECT_EQ(first.session_token, "tok");
  EXPECT_EQ(source->Get().access_key_id, "ASIA2");  // the first expired within 5 minutes
  EXPECT_EQ(source->Get().access_key_id, "ASIA2");  // cached
  ASSERT_EQ(sts.Requests().size(), 2u);
  QueryParams form = ParseQuery(sts.Requests()[0].body);
  EXPECT_EQ(form[0], (std::pair<std::string, std::string>{"Action", "AssumeRoleWithWebIdentity"}));
  bool sent_token = false;
  for (const auto& [n, v] : form) sent_token |= n == "WebIdentityToken" && v == "eyJ-web-token";
  EXPECT_TRUE(sent_token);
}

TEST_F(AwsEnv, TheContainerEndpointWithItsAuthorizationToken) {
  LoopbackHttpServer ecs([](const LoopbackRequest& r) {
    if (r.Header("authorization") != "container-auth") return LoopbackReply::Answer(401);
    return LoopbackReply::Answer(
        200, R"({"AccessKeyId":"ASIAECS","SecretAccessKey":"s","Token":"t","Expiration":")" +
                 Later(3600) + "\"}");
  });
  setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", (ecs.Url() + "/v2/credentials/x").c_str(), 1);
  setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "container-auth", 1);
  AwsCredentials c = AwsCredentialChain({}, HttpClient(), "us-east-1")->Get();
  EXPECT_EQ(c.access_key_id, "ASIAECS");
  EXPECT_EQ(c.session_token, "t");
  EXPECT_EQ(ecs.Requests()[0].target, "/v2/credentials/x");
}

TEST_F(AwsEnv, InstanceMetadataV2TakesASessionTokenFirst) {
  LoopbackHttpServer imds([](const LoopbackRequest& r) {
    if (r.method == "PUT" && r.target == "/latest/api/token") {
      return r.Header("x-aws-ec2-metadata-token-ttl-seconds").empty()
                 ? LoopbackReply::Answer(400)
                 : LoopbackReply::Answer(200, "imds-session");
    }
    if (r.Header("x-aws-ec2-metadata-token") != "imds-session") return LoopbackReply::Answer(401);
    if (r.target == "/latest/meta-data/iam/security-credentials/") {
      return LoopbackReply::Answer(200, "loader-role");
    }
    if (r.target == "/latest/meta-data/iam/security-credentials/loader-role") {
      return LoopbackReply::Answer(
          200,
          R"({"Code":"Success","AccessKeyId":"ASIAIMDS","SecretAccessKey":"s","Token":"t","Expiration":")" +
              Later(3600) + "\"}");
    }
    return LoopbackReply::Answer(404);
  });
  unsetenv("AWS_EC2_METADATA_DISABLED");
  setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", imds.Url().c_str(), 1);
  auto source = AwsCredentialChain({}, HttpClient(), "us-east-1");
  EXPECT_EQ(source->Get().access_key_id, "ASIAIMDS");
  EXPECT_EQ(imds.Requests().size(), 3u);
}

TEST_F(AwsEnv, AMetadataServiceThatIsNotThereFailsQuicklyWithTheFix) {
  unsetenv("AWS_EC2_METADATA_DISABLED");
  int port = testing::FreeLoopbackPort();
  setenv("AWS_EC2_METADATA_SERVICE_ENDPOINT", ("http://127.0.0.1:" + std::to_string(port)).c_str(),
         1);
  auto source = AwsCredentialChain({}, HttpClient(), "us-east-1");
  auto start = std::chrono::steady_clock::now();
  try {
    source->Get();
    FAIL() << "expected StoreError";
  } catch (const StoreError& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("no AWS credentials"), std::string::npos) << message;
    EXPECT_NE(message.find("AWS_ACCESS_KEY_ID"), std::string::npos) << message;
    EXPECT_NE(message.find("instance metadata service"), std::string::npos) << message;
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

}  // namespace
}  // namespace tributary
