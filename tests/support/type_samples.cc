#include "support/type_samples.h"

#include <fmt/format.h>

namespace tributary::testing {
namespace {

// \x00 01 02 … ff as bytes text: every byte value once, in order.
std::string EveryByte() {
  std::string hex = "\\x";
  for (int i = 0; i < 256; ++i) hex += fmt::format("{:02x}", i);
  return hex;
}

}  // namespace

std::vector<TypeSamples> EveryType() {
  const std::string nines(38, '9');
  return {
      {{TypeId::kBool}, {"true", "false"}},
      {{TypeId::kInt16}, {"-32768", "32767", "0"}},
      {{TypeId::kInt32}, {"-2147483648", "2147483647", "0"}},
      {{TypeId::kInt64}, {"-9223372036854775808", "9223372036854775807", "1"}},
      {{TypeId::kFloat32},
       {"0.5", "-0.25", "16777216", "3.4028234663852886e+38", "inf", "-inf", "nan"}},
      {{TypeId::kFloat64},
       {"0.1", "-2.5e-300", "1.7976931348623157e+308", "5e-324", "inf", "-inf", "nan"}},
      {DataType::Decimal(10, 2), {"0.00", "-0.01", "12345678.90", "99999999.99", "-99999999.99"}},
      {DataType::Decimal(18, 4), {"99999999999999.9999", "-12345678901234.5678", "0.0001"}},
      {DataType::Decimal(19, 0), {"9999999999999999999", "-9223372036854775808", "42"}},
      {DataType::Decimal(38, 0), {nines, "-" + nines, "9223372036854775807"}},
      {DataType::Decimal(38, 38),
       {"0." + std::string(37, '0') + "1", "-0." + nines, "0.5" + std::string(37, '0')}},
      {{TypeId::kText},
       {"plain", "", "Åse 🙂 — 中文", "it's \"quoted\", a \\ backslash", "tab\tnew\nline",
        std::string(100'000, 'x') + "ü"}},
      {{TypeId::kBytes}, {"\\x", "\\x00ff10", EveryByte()}},
      {{TypeId::kJson}, {R"({"a":[1,2],"b":"é"})", "[]", "null"}},
      {{TypeId::kDate},
       {"2024-05-01", "1969-12-31", "1970-01-01", "0001-01-01", "9999-12-31", "infinity",
        "-infinity"}},
      {{TypeId::kTime}, {"00:00:00.000000", "23:59:59.999999", "12:34:56.789000"}},
      {{TypeId::kTimestamp},
       {"1970-01-01 00:00:00.000000", "1969-12-31 23:59:59.999999", "0001-01-01 00:00:00.000000",
        "9999-12-31 23:59:59.999999", "infinity", "-infinity"}},
      {{TypeId::kTimestampTz},
       {"1970-01-01 00:00:00.000000+00:00", "2024-03-31 01:30:00.000001+00:00",
        "0001-01-01 00:00:00.000000+00:00", "9999-12-31 23:59:59.999999+00:00", "infinity",
        "-infinity"}},
      {{TypeId::kInterval},
       {"0 mons 0 days 0 us", "14 mons 3 days 3723000004 us", "-1 mons -2 days -1500000 us"}},
      {{TypeId::kUuid},
       {"00112233-4455-6677-8899-aabbccddeeff", "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-ffff-ffff-ffffffffffff"}},
  };
}

}  // namespace tributary::testing
