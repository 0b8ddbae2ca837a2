// Sink paths to stores: what each URL form names, and what is refused.
#include <gtest/gtest.h>

#include "store/open_store.h"

namespace tributary {
namespace {

StoreUrl Parse(const std::string& text) {
  ParsedStoreUrl parsed = ParseStoreUrl(text);
  EXPECT_TRUE(parsed.url.has_value()) << text << ": " << parsed.error;
  return parsed.url.value_or(StoreUrl{});
}

TEST(StoreUrlTest, PlainPathsAndFileUrlsAreLocal) {
  EXPECT_EQ(Parse("lake").local, "lake");
  EXPECT_EQ(Parse("/data/lake").scheme, StoreScheme::kLocal);
  EXPECT_EQ(Parse("C:/lake").scheme, StoreScheme::kLocal);
  EXPECT_EQ(Parse("lake:2026").local, "lake:2026");
  StoreUrl file = Parse("file:///var/lake");
  EXPECT_EQ(file.scheme, StoreScheme::kLocal);
  EXPECT_EQ(file.local, "/var/lake");
}

TEST(StoreUrlTest, S3UrlsNameBucketAndPrefix) {
  StoreUrl url = Parse("s3://lake-01/bronze/sales/");
  EXPECT_EQ(url.scheme, StoreScheme::kS3);
  EXPECT_EQ(url.bucket, "lake-01");
  EXPECT_EQ(url.prefix, "bronze/sales");
  EXPECT_EQ(url.text, "s3://lake-01/bronze/sales/");
  EXPECT_EQ(Parse("s3a://lake.example").prefix, "");
}

TEST(StoreUrlTest, AzureUrlsNameContainerAccountAndPrefix) {
  StoreUrl dfs = Parse("abfss://bronze@lakeacct.dfs.core.windows.net/raw/erp");
  EXPECT_EQ(dfs.scheme, StoreScheme::kAzure);
  EXPECT_EQ(dfs.bucket, "bronze");
  EXPECT_EQ(dfs.account, "lakeacct");
  EXPECT_EQ(dfs.prefix, "raw/erp");
  EXPECT_EQ(Parse("abfs://bronze@lakeacct.blob.core.windows.net").account, "lakeacct");
  StoreUrl az = Parse("az://bronze/raw");
  EXPECT_EQ(az.account, "") << "az:// leaves the account to the azure_account setting";
  EXPECT_EQ(az.bucket, "bronze");
}

TEST(StoreUrlTest, RefusalsSayWhatToWriteInstead) {
  auto error = [](const std::string& text) {
    ParsedStoreUrl parsed = ParseStoreUrl(text);
    EXPECT_FALSE(parsed.url.has_value()) << text;
    return parsed.error;
  };
  EXPECT_NE(error("gs://b/x").find("supported are s3://"), std::string::npos);
  EXPECT_NE(error("dbfs:/mnt/x").find("s3://…, abfss://…"), std::string::npos);
  EXPECT_NE(error("s3://").find("does not name an S3 bucket"), std::string::npos);
  EXPECT_NE(error("s3://ab/x").find("3-63 lower-case"), std::string::npos);
  EXPECT_NE(error("s3://bucket/a//b").find("empty, '.' or '..' segment"), std::string::npos);
  EXPECT_NE(error("az://Upper/x").find("does not name an Azure container"), std::string::npos);
  EXPECT_NE(error("abfss://c0n@acct/x").find("ACCOUNT.dfs.core.windows.net"), std::string::npos);
  EXPECT_NE(error("file://relative").find("file:///ABSOLUTE/PATH"), std::string::npos);
}

}  // namespace
}  // namespace tributary
