#include "clients/http/crypto.h"

#include <gtest/gtest.h>

#include "clients/http/url.h"
#include "common/error.h"

namespace tributary {
namespace {

TEST(HttpCrypto, Sha256OfKnownInputs) {
  EXPECT_EQ(HexEncode(Sha256("")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(HexEncode(Sha256("abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(HttpCrypto, HmacSha256OfRfc4231Case2) {
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HttpCrypto, Base64RoundTripsAndRejectsGarbage) {
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Decode("Zm8="), "fo");
  EXPECT_EQ(Base64Decode("Zg=="), "f");
  std::string binary("\x00\xff\x10\x80", 4);
  EXPECT_EQ(Base64Decode(Base64Encode(binary)), binary);
  EXPECT_THROW(Base64Decode("abc"), Error);
  EXPECT_THROW(Base64Decode("a!c="), Error);
}

TEST(HttpUrl, PercentEncodingAndRedaction) {
  EXPECT_EQ(PercentEncode("a b/c~d+e"), "a%20b%2Fc~d%2Be");
  EXPECT_EQ(PercentEncode("t/_delta_log/0.json", true), "t/_delta_log/0.json");
  EXPECT_EQ(PercentDecode("a%20b%2Fc"), "a b/c");
  QueryParams q = ParseQuery("list-type=2&prefix=a%2Fb&uploads=");
  ASSERT_EQ(q.size(), 3u);
  EXPECT_EQ(q[1].second, "a/b");
  EXPECT_EQ(q[2].first, "uploads");
  EXPECT_EQ(EncodeQuery({{"a", "x y"}, {"b", "1"}}), "a=x%20y&b=1");
  EXPECT_EQ(RedactUrl("https://acct.blob.core.windows.net/c/b?sv=1&sig=SECRET"),
            "https://acct.blob.core.windows.net/c/b");
  EXPECT_EQ(RedactUrl("https://user:pw@host/x"), "https://host/x");
}

}  // namespace
}  // namespace tributary
