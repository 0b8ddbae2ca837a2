// SigV4 against the examples AWS publishes for S3 ("Signature Calculations
// for the Authorization Header: Transferring Payload in a Single Chunk").
#include "store/aws_sigv4.h"

#include <gtest/gtest.h>

#include "store/store_time.h"

namespace tributary {
namespace {

const AwsCredentials kExample{"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
                              "", std::nullopt};
const std::string kEmptyHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

std::chrono::system_clock::time_point May24() {
  return std::chrono::system_clock::from_time_t(1369353600);  // 2013-05-24T00:00:00Z
}

std::string Signature(const HttpRequest& request) {
  std::string auth = request.Header("Authorization");
  return auth.substr(auth.find("Signature=") + 10);
}

TEST(S3SigV4, GetObjectExample) {
  HttpRequest r;
  r.url = "https://examplebucket.s3.amazonaws.com/test.txt";
  r.SetHeader("Range", "bytes=0-9");
  SignAwsV4(r, kExample, "us-east-1", "s3", May24(), kEmptyHash);
  EXPECT_EQ(r.Header("x-amz-date"), "20130524T000000Z");
  EXPECT_EQ(r.Header("Authorization"),
            "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request, "
            "SignedHeaders=host;range;x-amz-content-sha256;x-amz-date, "
            "Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41");
}

TEST(S3SigV4, PutObjectExample) {
  HttpRequest r;
  r.method = "PUT";
  r.url = "https://examplebucket.s3.amazonaws.com/test%24file.text";
  r.body = "Welcome to Amazon S3.";
  r.SetHeader("Date", "Fri, 24 May 2013 00:00:00 GMT");
  r.SetHeader("x-amz-storage-class", "REDUCED_REDUNDANCY");
  std::string hash = PayloadHash(r.body);
  EXPECT_EQ(hash, "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072");
  SignAwsV4(r, kExample, "us-east-1", "s3", May24(), hash);
  EXPECT_EQ(Signature(r), "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd");
  EXPECT_NE(
      r.Header("Authorization")
          .find("SignedHeaders=date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class"),
      std::string::npos);
}

TEST(S3SigV4, GetBucketLifecycleExample) {
  HttpRequest r;
  r.url = "https://examplebucket.s3.amazonaws.com/?lifecycle";
  SignAwsV4(r, kExample, "us-east-1", "s3", May24(), kEmptyHash);
  EXPECT_EQ(Signature(r), "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543");
}

TEST(S3SigV4, ListObjectsExampleSortsTheQuery) {
  HttpRequest r;
  r.url = "https://examplebucket.s3.amazonaws.com/?prefix=J&max-keys=2";
  SignAwsV4(r, kExample, "us-east-1", "s3", May24(), kEmptyHash);
  EXPECT_EQ(Signature(r), "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7");
  EXPECT_NE(CanonicalRequest(r, kEmptyHash).find("\nmax-keys=2&prefix=J\n"), std::string::npos);
}

TEST(S3SigV4, TemporaryCredentialsSignTheSessionToken) {
  HttpRequest r;
  r.url = "http://127.0.0.1:5055/lake/k";
  AwsCredentials temporary = kExample;
  temporary.session_token = "session-token";
  SignAwsV4(r, temporary, "eu-west-1", "s3", May24(), kUnsignedPayload);
  EXPECT_EQ(r.Header("x-amz-security-token"), "session-token");
  EXPECT_EQ(r.Header("x-amz-content-sha256"), "UNSIGNED-PAYLOAD");
  EXPECT_NE(r.Header("Authorization").find("/eu-west-1/s3/aws4_request"), std::string::npos);
  EXPECT_NE(r.Header("Authorization").find("x-amz-security-token"), std::string::npos);
  EXPECT_NE(CanonicalRequest(r, kUnsignedPayload).find("host:127.0.0.1:5055\n"), std::string::npos);
}

TEST(StoreTime, ParsesTheStampsStoresSend) {
  EXPECT_EQ(ParseIso8601Ms("2013-05-24T00:00:00Z"), 1369353600000);
  EXPECT_EQ(ParseIso8601Ms("2013-05-24T00:00:01.250Z"), 1369353601250);
  EXPECT_EQ(ParseRfc1123Ms("Fri, 24 May 2013 00:00:00 GMT"), 1369353600000);
  EXPECT_EQ(FormatRfc1123(May24()), "Fri, 24 May 2013 00:00:00 GMT");
  EXPECT_FALSE(ParseIso8601Ms("yesterday"));
}

}  // namespace
}  // namespace tributary
