#include "data/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace tributary {
namespace {

// Every bad sequence is tried at each offset behind 0–17 ASCII bytes, so it
// lands both inside and after the eight-byte ASCII steps of the check.
void ExpectAtEveryOffset(const std::string& sequence, bool valid) {
  for (size_t prefix = 0; prefix < 18; ++prefix) {
    std::string text = std::string(prefix, 'x') + sequence + std::string(prefix % 5, 'y');
    EXPECT_EQ(IsValidUtf8(text), valid) << "after " << prefix << " ASCII bytes";
  }
}

TEST(Utf8Test, AcceptsAsciiAndWellFormedSequences) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("a somewhat longer note for row 42"));
  ExpectAtEveryOffset("h\xC3\xA9llo", true);      // é
  ExpectAtEveryOffset("\xE2\x82\xAC", true);      // €
  ExpectAtEveryOffset("\xF0\x9F\x98\x80", true);  // U+1F600
  ExpectAtEveryOffset("\xF4\x8F\xBF\xBF", true);  // U+10FFFF
  ExpectAtEveryOffset("\xED\x9F\xBF", true);      // U+D7FF, below the surrogates
}

TEST(Utf8Test, RejectsMalformedSequencesWhereverTheyAre) {
  ExpectAtEveryOffset("\x80", false);              // lone continuation byte
  ExpectAtEveryOffset("\xC3", false);              // truncated at the end
  ExpectAtEveryOffset("\xC3(", false);             // lead without continuation
  ExpectAtEveryOffset("\xC0\xAF", false);          // overlong '/'
  ExpectAtEveryOffset("\xE0\x80\xAF", false);      // overlong, three bytes
  ExpectAtEveryOffset("\xED\xA0\x80", false);      // surrogate U+D800
  ExpectAtEveryOffset("\xF4\x90\x80\x80", false);  // above U+10FFFF
  ExpectAtEveryOffset("\xFF", false);
}

}  // namespace
}  // namespace tributary
