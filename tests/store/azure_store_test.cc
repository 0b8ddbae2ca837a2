// The Azure store against Azurite for what users get wrong, and against a
// scripted loopback server for the authorizations Azurite cannot check
// over plain HTTP (bearer tokens) and for SAS URLs.
#include "store/azure_store.h"

#include <gtest/gtest.h>

#include <fstream>

#include "clients/http/crypto.h"
#include "clients/http/url.h"
#include "store/azure_credentials.h"
#include "store/azure_shared_key.h"
#include "store/azure_xml.h"
#include "store/open_store.h"
#include "support/loopback_http_server.h"
#include "support/store_emulators.h"
#include "support/temp_dir.h"

namespace tributary {
namespace {

using testing::AzuriteServer;
using testing::LoopbackHttpServer;
using testing::LoopbackReply;
using testing::LoopbackRequest;

class AzureStoreAzurite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { azurite_ = AzuriteServer::Start(&why_).release(); }
  static void TearDownTestSuite() {
    delete azurite_;
    azurite_ = nullptr;
  }
  void SetUp() override { TRIBUTARY_REQUIRE_EMULATOR(azurite_, why_); }

  StoreUrl Url(const std::string& container) const {
    return {StoreScheme::kAzure,
            "abfss://" + container + "@devstoreaccount1.dfs.core.windows.net/bronze",
            "",
            container,
            AzuriteServer::kAccount,
            "bronze"};
  }
  StoreOptions Options(const std::string& key) const {
    StoreOptions options;
    options.azure_endpoint = azurite_->endpoint;
    options.azure_account_key = key;
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

  static AzuriteServer* azurite_;
  static std::string why_;
};

AzuriteServer* AzureStoreAzurite::azurite_ = nullptr;
std::string AzureStoreAzurite::why_;

TEST_F(AzureStoreAzurite, OpensWithTheAccountKeyAndWrites) {
  auto store = OpenObjectStore(Url("lake"), Options(AzuriteServer::kKey));
  store->Put("x/y", "z");
  EXPECT_EQ(store->Get("x/y"), "z");
  EXPECT_EQ(store->Url(), "abfss://lake@devstoreaccount1.dfs.core.windows.net/bronze");
}

TEST_F(AzureStoreAzurite, AWrongAccountKeyIsRefusedWithTheFixAndWithoutTheKey) {
  const std::string wrong = "d3JvbmdrZXl3cm9uZ2tleXdyb25na2V5d3JvbmdrZXk=";
  std::string message = OpenError(Url("lake"), Options(wrong));
  EXPECT_NE(message.find("abfss://lake@devstoreaccount1"), std::string::npos) << message;
  EXPECT_NE(message.find("HTTP 403"), std::string::npos) << message;
  EXPECT_NE(message.find("were refused; check the account name 'devstoreaccount1'"),
            std::string::npos)
      << message;
  EXPECT_EQ(message.find(wrong), std::string::npos) << message;
}

TEST_F(AzureStoreAzurite, AKeyThatIsNotBase64SaysSo) {
  std::string message = OpenError(Url("lake"), Options("not base64!"));
  EXPECT_NE(message.find("not base64"), std::string::npos) << message;
  EXPECT_EQ(message.find("not base64!"), std::string::npos) << message;
}

TEST_F(AzureStoreAzurite, AMissingContainerSaysSo) {
  std::string message = OpenError(Url("nosuchcontainer"), Options(AzuriteServer::kKey));
  EXPECT_NE(message.find("ContainerNotFound"), std::string::npos) << message;
  EXPECT_NE(message.find("create it"), std::string::npos) << message;
}

TEST_F(AzureStoreAzurite, ReadingFromAMissingContainerIsAnErrorNotAMissingBlob) {
  AzureConfig config = azurite_->Config("p");
  config.container = "nosuchcontainer";
  AzureAuth auth;
  auth.account_key = AzuriteServer::kKey;
  AzureStore store(config, auth);
  EXPECT_THROW(store.Get("k"), StoreError);
  EXPECT_FALSE(azurite_->Store("p")->Get("k"));
}

// An account SAS for the Blob service signed with Azurite's key (version
// 2020-12-06 and later sign an encryption scope line, empty here).
std::string AccountSas(const std::string& permissions) {
  const std::string version = "2023-11-03", expiry = "2099-01-01T00:00:00Z";
  std::string to_sign = std::string(AzuriteServer::kAccount) + "\n" + permissions + "\nb\nsco\n\n" +
                        expiry + "\n\nhttps,http\n" + version + "\n\n";
  std::string sig = Base64Encode(HmacSha256(Base64Decode(AzuriteServer::kKey), to_sign));
  return EncodeQuery({{"sv", version},
                      {"ss", "b"},
                      {"srt", "sco"},
                      {"sp", permissions},
                      {"se", expiry},
                      {"spr", "https,http"},
                      {"sig", sig}});
}

TEST_F(AzureStoreAzurite, ASasTokenAuthorizesEveryOperation) {
  StoreOptions options;
  options.azure_endpoint = azurite_->endpoint;
  options.azure_sas_token = "?" + AccountSas("rwdlac");
  auto store = OpenObjectStore(Url("lake"), options);
  EXPECT_TRUE(store->PutIfAbsent("sas/_delta_log/00000000000000000000.json", "{}"));
  EXPECT_FALSE(store->PutIfAbsent("sas/_delta_log/00000000000000000000.json", "{}{}"));
  EXPECT_EQ(store->Get("sas/_delta_log/00000000000000000000.json"), "{}");
  EXPECT_EQ(store->List("sas/").size(), 1u);
  store->Delete("sas/_delta_log/00000000000000000000.json");
  EXPECT_TRUE(store->List("sas/").empty());
}

TEST_F(AzureStoreAzurite, ASasWithoutWritePermissionIsRefusedWithTheFix) {
  StoreOptions options;
  options.azure_endpoint = azurite_->endpoint;
  std::string sas = AccountSas("rl");
  options.azure_sas_token = sas;
  auto store = OpenObjectStore(Url("lake"), options);  // listing is allowed
  try {
    store->Put("sas/readonly", "x");
    FAIL() << "expected StoreError";
  } catch (const StoreError& e) {
    std::string message = e.what();
    EXPECT_NE(message.find("HTTP 403"), std::string::npos) << message;
    EXPECT_NE(message.find("may not do this"), std::string::npos) << message;
    EXPECT_EQ(message.find(sas.substr(sas.find("sig="))), std::string::npos) << message;
  }
}

TEST(AzureSharedKey, TheStringToSignHasTheFixedHeadersAndTheCanonicalResource) {
  HttpRequest r;
  r.method = "PUT";
  r.url = "http://127.0.0.1:10000/devstoreaccount1/lake/t/a%20b?comp=block&blockid=QUJD";
  r.body = "hello";
  r.SetHeader("x-ms-version", "2023-11-03");
  r.SetHeader("x-ms-date", "Fri, 24 May 2013 00:00:00 GMT");
  r.SetHeader("If-None-Match", "*");
  r.SetHeader("Content-Type", "application/octet-stream");
  EXPECT_EQ(SharedKeyStringToSign(r, "devstoreaccount1"),
            "PUT\n\n\n5\n\napplication/octet-stream\n\n\n\n*\n\n\n"
            "x-ms-date:Fri, 24 May 2013 00:00:00 GMT\nx-ms-version:2023-11-03\n"
            "/devstoreaccount1/devstoreaccount1/lake/t/a%20b\nblockid:QUJD\ncomp:block");
  HttpRequest get;
  get.url = "https://acct.blob.core.windows.net/lake";
  EXPECT_EQ(SharedKeyStringToSign(get, "acct"), "GET\n\n\n\n\n\n\n\n\n\n\n\n/acct/lake");
}

TEST(AzureXml, ListingsSkipDirectoryPlaceholders) {
  AzureListPage page = ParseAzureListPage(
      "<?xml version=\"1.0\" encoding=\"utf-8\"?><EnumerationResults><Blobs>"
      "<Blob><Name>t/_delta_log</Name><Properties><Content-Length>0</Content-Length>"
      "<ResourceType>directory</ResourceType></Properties></Blob>"
      "<Blob><Name>t/_delta_log/0.json</Name><Properties><Last-Modified>Fri, 24 May 2013 00:00:00 "
      "GMT"
      "</Last-Modified><Content-Length>42</Content-Length><ResourceType>file</ResourceType>"
      "</Properties></Blob></Blobs><NextMarker>m2</NextMarker></EnumerationResults>",
      "az://lake");
  ASSERT_EQ(page.objects.size(), 1u);
  EXPECT_EQ(page.objects[0].key, "t/_delta_log/0.json");
  EXPECT_EQ(page.objects[0].size, 42);
  EXPECT_EQ(page.objects[0].modified_ms, 1369353600000);
  EXPECT_EQ(page.next_marker, "m2");
  EXPECT_THROW(ParseAzureListPage("<html/>", "az://lake"), StoreError);
}

AzureConfig LoopbackConfig(const std::string& endpoint) {
  AzureConfig config;
  config.url = "az://lake/p";
  config.account = "acct";
  config.container = "lake";
  config.prefix = "p";
  config.endpoint = endpoint;
  return config;
}

TEST(AzureAuthorization, ABearerTokenFromTheServicePrincipal) {
  LoopbackHttpServer token([](const LoopbackRequest&) {
    return LoopbackReply::Answer(200, R"({"access_token":"storage-token","expires_in":3600})");
  });
  LoopbackHttpServer blob([](const LoopbackRequest& r) {
    return r.Header("authorization") == "Bearer storage-token" ? LoopbackReply::Answer(200, "data")
                                                               : LoopbackReply::Answer(403);
  });
  setenv("AZURE_AUTHORITY_HOST", token.Url().c_str(), 1);
  StoreOptions options;
  options.azure_tenant_id = "tenant";
  options.azure_client_id = "client";
  options.azure_client_secret = "secret";
  AzureAuth auth = ResolveAzureAuth(options, HttpClient());
  unsetenv("AZURE_AUTHORITY_HOST");
  AzureStore store(LoopbackConfig(blob.Url()), auth);
  EXPECT_EQ(store.Get("k"), "data");
  EXPECT_EQ(store.Get("k"), "data");
  EXPECT_EQ(token.Requests().size(), 1u);  // cached
  EXPECT_NE(token.Requests()[0].body.find("scope=https%3A%2F%2Fstorage.azure.com%2F.default"),
            std::string::npos);
  LoopbackRequest got = blob.Requests()[0];
  EXPECT_EQ(got.target, "/lake/p/k");
  EXPECT_EQ(got.Header("x-ms-version"), AzureClient::kApiVersion);
  EXPECT_FALSE(got.Header("x-ms-date").empty());
}

TEST(AzureAuthorization, WorkloadIdentityFromTheVariablesAksInjects) {
  testing::TempDir dir;
  std::ofstream(dir / "token") << "federated";
  LoopbackHttpServer token([](const LoopbackRequest& r) {
    return r.body.find("client_assertion=federated") != std::string::npos
               ? LoopbackReply::Answer(200, R"({"access_token":"wi","expires_in":3600})")
               : LoopbackReply::Answer(400, R"({"error":"invalid_request"})");
  });
  LoopbackHttpServer blob([](const LoopbackRequest& r) {
    return r.Header("authorization") == "Bearer wi" ? LoopbackReply::Answer(200, "data")
                                                    : LoopbackReply::Answer(403);
  });
  setenv("AZURE_AUTHORITY_HOST", token.Url().c_str(), 1);
  setenv("AZURE_FEDERATED_TOKEN_FILE", (dir / "token").c_str(), 1);
  setenv("AZURE_CLIENT_ID", "app", 1);
  setenv("AZURE_TENANT_ID", "tenant", 1);
  AzureAuth auth = ResolveAzureAuth({}, HttpClient());
  for (const char* name : {"AZURE_AUTHORITY_HOST", "AZURE_FEDERATED_TOKEN_FILE", "AZURE_CLIENT_ID",
                           "AZURE_TENANT_ID"}) {
    unsetenv(name);
  }
  EXPECT_EQ(auth.describe, "workload identity app");
  AzureStore store(LoopbackConfig(blob.Url()), auth);
  EXPECT_EQ(store.Get("k"), "data");
  EXPECT_EQ(token.Requests()[0].target, "/tenant/oauth2/v2.0/token");
}

TEST(AzureAuthorization, ASasGoesIntoEveryUrlAndNoAuthorizationHeader) {
  LoopbackHttpServer blob([](const LoopbackRequest&) { return LoopbackReply::Answer(404); });
  StoreOptions options;
  options.azure_sas_token = "?sv=2023-11-03&sp=rwdl&sig=SIGNATURE";
  AzureStore store(LoopbackConfig(blob.Url()), ResolveAzureAuth(options, HttpClient()));
  EXPECT_EQ(store.Get("k"), std::nullopt);
  LoopbackRequest got = blob.Requests()[0];
  EXPECT_EQ(got.target, "/lake/p/k?sv=2023-11-03&sp=rwdl&sig=SIGNATURE");
  EXPECT_EQ(got.Header("authorization"), "");
}

TEST(AzureAuthorization, APutIfAbsentAnswered412IsALostRace) {
  LoopbackHttpServer blob([](const LoopbackRequest& r) {
    return r.method == "PUT" ? LoopbackReply::Answer(412) : LoopbackReply::Answer(200, "theirs");
  });
  StoreOptions options;
  options.azure_sas_token = "sig=x";
  AzureStore store(LoopbackConfig(blob.Url()), ResolveAzureAuth(options, HttpClient()));
  EXPECT_FALSE(store.PutIfAbsent("k", "ours"));
  EXPECT_EQ(blob.Requests()[0].Header("if-none-match"), "*");
}

}  // namespace
}  // namespace tributary
