// How PostgreSQL types become tributary types. Mapping is strict: a type not
// listed here is an error naming table, column and type, never a lossy guess.
//
// PostgreSQL                                  → tributary     notes
// boolean                                     → boolean
// smallint, integer, bigint                   → smallint, integer, bigint
// oid                                         → bigint
// real, double precision                      → real, double  NaN and ±Infinity kept
// numeric(p,s), p <= 38 (s <= p, s >= 0)      → decimal(p,s)  exact; NaN is an error
// numeric(p,s) with s > p or s < 0, fitting   → decimal(max(p,s),s) / decimal(p-s,0)
// numeric without typmod, or p > 38           → text          exact decimal text as PostgreSQL
//                                                             prints it; 'NaN', 'Infinity',
//                                                             '-Infinity' as those words
// text, varchar, char(n), name, "char", xml,  → text          char(n) keeps its padding
//   citext, enums
// bytea                                       → bytes
// date                                        → date          ±infinity → date ±infinity
// time                                        → time
// timestamp, timestamptz                      → timestamp, timestamptz   ±infinity kept
// interval                                    → interval      months, days, µs as stored
// uuid                                        → uuid
// json, jsonb                                 → json          jsonb as PostgreSQL prints it
// domains                                     → their base type (with the domain's typmod)
// arrays of any type above                    → json          nested lists, see pg_array_json.h
// anything else (money, timetz, geometric,    → error: cast it in a `query`
//   network, ranges, composite, bit, …)
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "common/error.h"
#include "data/types.h"

namespace tributary {

// A value that is malformed or cannot be represented in its column's type
// (NaN in a decimal, a timestamp past year 294246). The reader adds table,
// column and row to the message.
class PgValueError : public SourceError {
 public:
  using SourceError::SourceError;
};

class PgConnection;

// How a value travels in PostgreSQL's binary send/recv format.
enum class PgWire : uint8_t {
  kBool,
  kInt2,
  kInt4,
  kInt8,
  kOid,
  kFloat4,
  kFloat8,
  kNumeric,
  kText,   // text-like: raw UTF-8 bytes
  kJsonb,  // version byte 1, then JSON text
  kBytea,
  kDate,
  kTime,
  kTimestamp,  // timestamp and timestamptz
  kInterval,
  kUuid,
  kArray,
  kUnsupported,
};

// A column's decoding plan: the wire format and the tributary type it
// becomes. Immutable once built; shared by the decoders of a reader.
struct PgValueType {
  PgWire wire = PgWire::kUnsupported;
  DataType type;
  std::string name;  // as PostgreSQL spells it (format_type), for errors and docs
  std::shared_ptr<const PgValueType> element;  // kArray: the element's plan
};

// The plan of a built-in type that needs no catalog lookup, or nullopt.
std::optional<PgValueType> BuiltinPgType(uint32_t oid, int32_t typmod);

// The tributary type of numeric with `typmod` (-1: unconstrained).
DataType NumericType(int32_t typmod);

// Resolves any type OID to a plan, looking up non-built-in types (domains,
// enums, arrays, extension types) in pg_type once per OID. Unmappable types
// come back as kUnsupported with their name. Not thread-safe.
class PgTypeResolver {
 public:
  explicit PgTypeResolver(PgConnection& conn) : conn_(conn) {}
  PgValueType Resolve(uint32_t oid, int32_t typmod);
  // The leading SQL comment of its catalog lookups (QueryTag).
  void set_tag(std::string tag) { tag_ = std::move(tag); }

 private:
  struct CatalogType {
    std::string name;
    char typtype = 'b';
    uint32_t basetype = 0;
    int32_t typtypmod = -1;
    uint32_t element = 0;
    char category = 'U';
    std::string send;  // send function, e.g. citextsend
  };
  const CatalogType& Lookup(uint32_t oid);
  PgValueType ResolveDepth(uint32_t oid, int32_t typmod, int depth);

  PgConnection& conn_;
  std::map<uint32_t, CatalogType> cache_;
  std::string tag_ = "/* tributary */ ";
};

}  // namespace tributary
