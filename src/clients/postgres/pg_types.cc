#include "clients/postgres/pg_types.h"

#include <cstdlib>

#include "clients/postgres/pg_connection.h"
#include "common/error.h"

namespace tributary {
namespace {

// Type OIDs fixed by PostgreSQL's catalog (pg_type.dat); stable across versions.
struct Builtin {
  uint32_t oid;
  PgWire wire;
  TypeId id;
  const char* name;
};

constexpr Builtin kBuiltins[] = {
    {16, PgWire::kBool, TypeId::kBool, "boolean"},
    {17, PgWire::kBytea, TypeId::kBytes, "bytea"},
    {18, PgWire::kText, TypeId::kText, "\"char\""},
    {19, PgWire::kText, TypeId::kText, "name"},
    {20, PgWire::kInt8, TypeId::kInt64, "bigint"},
    {21, PgWire::kInt2, TypeId::kInt16, "smallint"},
    {23, PgWire::kInt4, TypeId::kInt32, "integer"},
    {25, PgWire::kText, TypeId::kText, "text"},
    {26, PgWire::kOid, TypeId::kInt64, "oid"},
    {114, PgWire::kText, TypeId::kJson, "json"},
    {142, PgWire::kText, TypeId::kText, "xml"},
    {700, PgWire::kFloat4, TypeId::kFloat32, "real"},
    {701, PgWire::kFloat8, TypeId::kFloat64, "double precision"},
    {1042, PgWire::kText, TypeId::kText, "character"},
    {1043, PgWire::kText, TypeId::kText, "character varying"},
    {1082, PgWire::kDate, TypeId::kDate, "date"},
    {1083, PgWire::kTime, TypeId::kTime, "time without time zone"},
    {1114, PgWire::kTimestamp, TypeId::kTimestamp, "timestamp without time zone"},
    {1184, PgWire::kTimestamp, TypeId::kTimestampTz, "timestamp with time zone"},
    {1186, PgWire::kInterval, TypeId::kInterval, "interval"},
    {1700, PgWire::kNumeric, TypeId::kDecimal, "numeric"},
    {2950, PgWire::kUuid, TypeId::kUuid, "uuid"},
    {3802, PgWire::kJsonb, TypeId::kJson, "jsonb"},
};

constexpr int kMaxDecimalPrecision = 38;
constexpr int kMaxTypeDepth = 16;  // domains over domains over arrays …

uint32_t ParseOid(const char* text) {
  return static_cast<uint32_t>(std::strtoul(text, nullptr, 10));
}

}  // namespace

DataType NumericType(int32_t typmod) {
  if (typmod < 4) return DataType{TypeId::kText};
  // typmod = ((precision << 16) | (scale & 0x7ff)) + 4; scale is an 11-bit
  // signed number since PostgreSQL 15 (numeric(5,-2), numeric(3,5)).
  int precision = ((typmod - 4) >> 16) & 0xffff;
  int scale = (((typmod - 4) & 0x7ff) ^ 1024) - 1024;
  if (scale < 0) {
    precision -= scale;  // numeric(5,-2) holds up to 7 integer digits
    scale = 0;
  }
  if (scale > precision) precision = scale;  // numeric(3,5): 0.00xxx
  if (precision < 1 || precision > kMaxDecimalPrecision) return DataType{TypeId::kText};
  return DataType::Decimal(precision, scale);
}

std::optional<PgValueType> BuiltinPgType(uint32_t oid, int32_t typmod) {
  for (const Builtin& b : kBuiltins) {
    if (b.oid != oid) continue;
    PgValueType t{b.wire, DataType{b.id}, b.name, nullptr};
    if (b.wire == PgWire::kNumeric) t.type = NumericType(typmod);
    return t;
  }
  return std::nullopt;
}

const PgTypeResolver::CatalogType& PgTypeResolver::Lookup(uint32_t oid) {
  if (auto it = cache_.find(oid); it != cache_.end()) return it->second;
  PgResult r = conn_.Exec(
      tag_ +
          "SELECT pg_catalog.format_type(oid, NULL), typtype, typbasetype, typtypmod, typelem, "
          "typcategory, typsend::regproc::text FROM pg_catalog.pg_type WHERE oid = $1",
      {std::to_string(oid)});
  CatalogType t;
  if (PQntuples(r.get()) == 0) {
    t.name = "type with OID " + std::to_string(oid);
    t.typtype = 'p';
  } else {
    t.name = PQgetvalue(r.get(), 0, 0);
    t.typtype = PQgetvalue(r.get(), 0, 1)[0];
    t.basetype = ParseOid(PQgetvalue(r.get(), 0, 2));
    t.typtypmod = std::atoi(PQgetvalue(r.get(), 0, 3));
    t.element = ParseOid(PQgetvalue(r.get(), 0, 4));
    t.category = PQgetvalue(r.get(), 0, 5)[0];
    t.send = PQgetvalue(r.get(), 0, 6);
  }
  return cache_.emplace(oid, std::move(t)).first->second;
}

PgValueType PgTypeResolver::Resolve(uint32_t oid, int32_t typmod) {
  return ResolveDepth(oid, typmod, 0);
}

PgValueType PgTypeResolver::ResolveDepth(uint32_t oid, int32_t typmod, int depth) {
  if (auto builtin = BuiltinPgType(oid, typmod)) return *builtin;
  const CatalogType t = Lookup(oid);  // a copy: recursion may grow the cache
  PgValueType unsupported{PgWire::kUnsupported, DataType{TypeId::kText}, t.name, nullptr};
  if (depth > kMaxTypeDepth) return unsupported;
  if (t.typtype == 'd') {
    PgValueType base = ResolveDepth(t.basetype, typmod >= 0 ? typmod : t.typtypmod, depth + 1);
    if (base.wire == PgWire::kUnsupported)
      base.name = t.name + " (a domain over " + base.name + ")";
    return base;
  }
  if (t.typtype == 'e' || (t.typtype == 'b' && t.send == "citextsend")) {
    return PgValueType{PgWire::kText, DataType{TypeId::kText}, t.name, nullptr};
  }
  if (t.typtype == 'b' && t.category == 'A' && t.element != 0) {
    auto element = std::make_shared<PgValueType>(ResolveDepth(t.element, typmod, depth + 1));
    if (element->wire == PgWire::kUnsupported) return unsupported;
    return PgValueType{PgWire::kArray, DataType{TypeId::kJson}, t.name, std::move(element)};
  }
  return unsupported;
}

}  // namespace tributary
