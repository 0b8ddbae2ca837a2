// The S3 store against moto (signatures checked) for what users get wrong,
// and against a scripted loopback server for what moto will not do on
// request (failing parts, a 200 carrying an <Error>).
#include "store/s3_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <mutex>

#include "store/open_store.h"
#include "support/loopback_http_server.h"
#include "support/store_emulators.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

using testing::LoopbackHttpServer;
using testing::LoopbackReply;
using testing::LoopbackRequest;
using testing::MotoServer;

class S3StoreMoto : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    moto_ = MotoServer::Start(&why_, /*check_signatures=*/true).release();
  }
  static void TearDownTestSuite() {
    delete moto_;
    moto_ = nullptr;
  }
  void SetUp() override { TRIBUTARY_REQUIRE_EMULATOR(moto_, why_); }

  // The bucket's root: a listing prefix would hold a '/', which this moto
  // refuses to verify (see MotoServer::Start).
  StoreUrl Url(const std::string& bucket) const {
    return {StoreScheme::kS3, "s3://" + bucket, "", bucket, "", ""};
  }
  StoreOptions Options(const std::string& secret) const {
    StoreOptions options;
    options.aws_endpoint = moto_->endpoint;
    options.aws_access_key_id = moto_->access_key_id;
    options.aws_secret_access_key = secret;
    return options;
  }
  std::string OpenError(const StoreUrl& url, const StoreOptions& options) const {
    try {
      OpenObjectStore(url, options);
    } catch (const StoreError& e) {
      return e.what();
    }
    return "no error";
  }

  static MotoServer* moto_;
  static std::string why_;
};

MotoServer* S3StoreMoto::moto_ = nullptr;
std::string S3StoreMoto::why_;

TEST_F(S3StoreMoto, OpensWithValidKeysAndWrites) {
  auto store = OpenObjectStore(Url("lake"), Options(moto_->secret_access_key));
  EXPECT_EQ(store->Url(), "s3://lake");
  store->Put("x/y", "z");
  EXPECT_EQ(store->Get("x/y"), "z");
  EXPECT_FALSE(store->LocalPath("x/y"));
}

TEST_F(S3StoreMoto, SignedWritesOfEveryKindAreAccepted) {
  S3Config config = moto_->Config("");
  config.part_size = 5 << 20;
  config.multipart_threshold = 5 << 20;
  StoreOptions keys = Options(moto_->secret_access_key);
  auto store =
      std::make_unique<S3Store>(config, AwsCredentialChain(keys, HttpClient(), "us-east-1"));
  EXPECT_TRUE(store->PutIfAbsent("signed/_delta_log/00000000000000000000.json", "{}"));
  EXPECT_FALSE(store->PutIfAbsent("signed/_delta_log/00000000000000000000.json", "{}{}"));
  testing::TempDir dir;
  {
    std::ofstream out(dir / "f.parquet", std::ios::binary);
    for (int i = 0; i < (11 << 20) / 8; ++i) out << "parquet!";
  }
  store->Upload("signed/part-0.parquet", dir / "f.parquet");  // multipart: 5 + 5 + 1 MiB
  ASSERT_TRUE(store->Download("signed/part-0.parquet", dir / "back.parquet"));
  EXPECT_EQ(std::filesystem::file_size(dir / "back.parquet"), size_t(11 << 20));
  store->Delete("signed/part-0.parquet");
  EXPECT_EQ(store->Get("signed/part-0.parquet"), std::nullopt);
}

TEST_F(S3StoreMoto, AWrongSecretIsRefusedWithTheFixAndWithoutTheSecret) {
  std::string message = OpenError(Url("lake"), Options("wrong-secret-value-123"));
  EXPECT_NE(message.find("s3://lake"), std::string::npos) << message;
  EXPECT_NE(message.find("SignatureDoesNotMatch"), std::string::npos) << message;
  EXPECT_NE(message.find("check the access key id, the secret access key"), std::string::npos)
      << message;
  EXPECT_EQ(message.find("wrong-secret-value-123"), std::string::npos) << message;
}

TEST_F(S3StoreMoto, AnUnknownAccessKeyIsRefused) {
  StoreOptions options = Options("whatever-secret");
  options.aws_access_key_id = "AKIANOTKNOWNTOMOTO00";
  std::string message = OpenError(Url("lake"), options);
  EXPECT_NE(message.find("InvalidAccessKeyId"), std::string::npos) << message;
  EXPECT_EQ(message.find("whatever-secret"), std::string::npos) << message;
}

TEST_F(S3StoreMoto, AMissingBucketSaysSo) {
  std::string message = OpenError(Url("no-such-bucket"), Options(moto_->secret_access_key));
  EXPECT_NE(message.find("s3://no-such-bucket"), std::string::npos) << message;
  EXPECT_NE(message.find("NoSuchBucket"), std::string::npos) << message;
  EXPECT_NE(message.find("create it"), std::string::npos) << message;
}

TEST_F(S3StoreMoto, ReadingFromAMissingBucketIsAnErrorNotAMissingObject) {
  S3Config config = moto_->Config("p");
  config.bucket = "no-such-bucket";
  StoreOptions keys = Options(moto_->secret_access_key);
  S3Store store(config, AwsCredentialChain(keys, HttpClient(), "us-east-1"));
  EXPECT_THROW(store.Get("k"), StoreError);
}

TEST_F(S3StoreMoto, CredentialsFromTheEnvironment) {
  setenv("AWS_ACCESS_KEY_ID", moto_->access_key_id.c_str(), 1);
  setenv("AWS_SECRET_ACCESS_KEY", moto_->secret_access_key.c_str(), 1);
  StoreOptions options;
  options.aws_endpoint = moto_->endpoint;
  auto store = OpenObjectStore(Url("lake"), options);
  unsetenv("AWS_ACCESS_KEY_ID");
  unsetenv("AWS_SECRET_ACCESS_KEY");
  store->Put("k", "from env");
  EXPECT_EQ(store->Get("k"), "from env");
}

// Web identity end to end: moto's STS answers AssumeRoleWithWebIdentity and
// the temporary credentials (with their session token) write to its S3.
// This moto checks no signatures: it would not know the assumed role.
class S3StoreMotoWebIdentity : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    moto_ = MotoServer::Start(&why_, /*check_signatures=*/false).release();
  }
  static void TearDownTestSuite() {
    delete moto_;
    moto_ = nullptr;
  }
  void SetUp() override { TRIBUTARY_REQUIRE_EMULATOR(moto_, why_); }
  void TearDown() override {
    for (const char* name :
         {"AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ENDPOINT_URL_STS"}) {
      unsetenv(name);
    }
  }
  static MotoServer* moto_;
  static std::string why_;
};

MotoServer* S3StoreMotoWebIdentity::moto_ = nullptr;
std::string S3StoreMotoWebIdentity::why_;

TEST_F(S3StoreMotoWebIdentity, TemporaryCredentialsFromStsWrite) {
  testing::TempDir dir;
  std::ofstream(dir / "token") << "eyJhbGciOiJSUzI1NiJ9.e30.c2ln";
  setenv("AWS_WEB_IDENTITY_TOKEN_FILE", (dir / "token").c_str(), 1);
  setenv("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/loader", 1);
  setenv("AWS_ENDPOINT_URL_STS", moto_->endpoint.c_str(), 1);
  auto source = AwsCredentialChain({}, HttpClient(), "us-east-1");
  AwsCredentials credentials = source->Get();
  EXPECT_EQ(credentials.access_key_id.rfind("ASIA", 0), 0u) << credentials.access_key_id;
  EXPECT_FALSE(credentials.session_token.empty());
  ASSERT_TRUE(credentials.expires);
  EXPECT_GT(*credentials.expires, std::chrono::system_clock::now() + std::chrono::minutes(10));
  S3Store store(moto_->Config("web-identity"), std::move(source));
  store.Check();
  store.Put("k", "v");
  EXPECT_EQ(store.Get("k"), "v");
}

TEST(S3Client, PathAndVirtualHostedUrls) {
  S3Config config;
  config.bucket = "lake";
  config.region = "eu-west-1";
  StoreOptions keys;
  keys.aws_access_key_id = "a";
  keys.aws_secret_access_key = "b";
  S3Client path(config, AwsCredentialChain(keys, HttpClient(), "eu-west-1"));
  EXPECT_EQ(path.UrlFor("t/a b.json"), "https://s3.eu-west-1.amazonaws.com/lake/t/a%20b.json");
  EXPECT_EQ(path.UrlFor("", "list-type=2"), "https://s3.eu-west-1.amazonaws.com/lake?list-type=2");
  config.virtual_hosted = true;
  S3Client hosted(config, AwsCredentialChain(keys, HttpClient(), "eu-west-1"));
  EXPECT_EQ(hosted.UrlFor("t/x"), "https://lake.s3.eu-west-1.amazonaws.com/t/x");
  EXPECT_EQ(hosted.UrlFor("", "list-type=2"),
            "https://lake.s3.eu-west-1.amazonaws.com/?list-type=2");
}

// A scripted S3 for the multipart paths: `part_status` answers every part.
struct FakeMultipart {
  int part_status = 200;
  std::atomic<int> completes{0};
  LoopbackReply operator()(const LoopbackRequest& r) {
    if (r.method == "POST" && r.target.find("?uploads") != std::string::npos) {
      return LoopbackReply::Answer(200,
                                   "<InitiateMultipartUploadResult><UploadId>up-1</UploadId></"
                                   "InitiateMultipartUploadResult>");
    }
    if (r.method == "PUT" && r.target.find("partNumber=") != std::string::npos) {
      LoopbackReply reply = LoopbackReply::Answer(
          part_status, part_status == 200 ? "" : "<Error><Code>InvalidRequest</Code></Error>");
      reply.headers.emplace_back("ETag", "\"etag\"");
      return reply;
    }
    if (r.method == "POST" && r.target.find("uploadId=up-1") != std::string::npos) {
      return LoopbackReply::Answer(
          200, ++completes == 1
                   ? "<Error><Code>InternalError</Code><Message>retry</Message></Error>"
                   : "<CompleteMultipartUploadResult/>");
    }
    if (r.method == "DELETE") return LoopbackReply::Answer(204);
    return LoopbackReply::Answer(400);
  }
};

S3Store FakeStore(const std::string& endpoint) {
  S3Config config;
  config.url = "s3://lake/p";
  config.bucket = "lake";
  config.prefix = "p";
  config.endpoint = endpoint;
  config.part_size = 4;
  config.multipart_threshold = 4;
  config.http.retry.initial_delay = std::chrono::milliseconds(1);
  StoreOptions keys;
  keys.aws_access_key_id = "a";
  keys.aws_secret_access_key = "b";
  return S3Store(config, AwsCredentialChain(keys, HttpClient(), "us-east-1"));
}

TEST(S3Multipart, AFailedPartAbortsTheUpload) {
  testing::TempDir dir;
  std::ofstream(dir / "f", std::ios::binary) << "0123456789";
  FakeMultipart fake;
  fake.part_status = 400;
  LoopbackHttpServer server([&](const LoopbackRequest& r) { return fake(r); });
  S3Store store = FakeStore(server.Url());
  EXPECT_THROW(store.Upload("k", dir / "f"), StoreError);
  auto requests = server.Requests();
  ASSERT_FALSE(requests.empty());
  EXPECT_EQ(requests.back().method, "DELETE");
  EXPECT_NE(requests.back().target.find("uploadId=up-1"), std::string::npos);
}

TEST(S3Multipart, ACompletionAnswering200WithAnErrorIsRetried) {
  testing::TempDir dir;
  std::ofstream(dir / "f", std::ios::binary) << "0123456789";
  FakeMultipart fake;
  LoopbackHttpServer server([&](const LoopbackRequest& r) { return fake(r); });
  S3Store store = FakeStore(server.Url());
  store.Upload("k", dir / "f");
  EXPECT_EQ(fake.completes.load(), 2);
  int parts = 0;
  std::string complete_body;
  for (const auto& r : server.Requests()) {
    if (r.target.find("partNumber=") != std::string::npos) ++parts;
    if (r.method == "POST" && r.target.find("uploadId=") != std::string::npos)
      complete_body = r.body;
  }
  EXPECT_EQ(parts, 3);  // 4 + 4 + 2 bytes
  EXPECT_NE(complete_body.find("<PartNumber>3</PartNumber>"), std::string::npos) << complete_body;
  for (const auto& r : server.Requests()) EXPECT_NE(r.method, "DELETE");
}

// The first PUT is stored but its answer is lost; the retry finds the key
// taken. The object holds our bytes, so the commit is ours.
TEST(S3PutIfAbsent, ALostAnswerFollowedBy412IsStillOurs) {
  std::mutex mutex;
  std::string stored;
  int puts = 0;
  LoopbackHttpServer server([&](const LoopbackRequest& r) {
    std::lock_guard lock(mutex);
    if (r.method == "PUT" && ++puts == 1) {
      stored = r.body;
      return LoopbackReply::Drop();
    }
    if (r.method == "PUT")
      return LoopbackReply::Answer(412, "<Error><Code>PreconditionFailed</Code></Error>");
    return LoopbackReply::Answer(200, stored);
  });
  S3Store store = FakeStore(server.Url());
  EXPECT_TRUE(store.PutIfAbsent("_delta_log/00000000000000000007.json", "our commit"));
  EXPECT_EQ(puts, 2);
}

TEST(S3PutIfAbsent, AConditionalRequestConflictIsALostRace) {
  LoopbackHttpServer server([](const LoopbackRequest& r) {
    if (r.method == "PUT") {
      return LoopbackReply::Answer(409, "<Error><Code>ConditionalRequestConflict</Code></Error>");
    }
    return LoopbackReply::Answer(404, "<Error><Code>NoSuchKey</Code></Error>");
  });
  S3Store store = FakeStore(server.Url());
  EXPECT_FALSE(store.PutIfAbsent("_delta_log/00000000000000000007.json", "ours"));
  EXPECT_EQ(server.Requests()[0].Header("if-none-match"), "*");
}

}  // namespace
}  // namespace tributary
