#include "clients/postgres/pg_array_json.h"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

#include "clients/postgres/pg_binary.h"
#include "clients/postgres/pg_wire.h"
#include "data/text_values.h"
#include "data/value_text.h"

namespace tributary {
namespace {

constexpr int kMaxDimensions = 6;  // PostgreSQL's MAXDIM

void AppendNonFinite(double v, std::string& json) {
  json += std::isnan(v) ? "\"NaN\"" : (v > 0 ? "\"Infinity\"" : "\"-Infinity\"");
}

void AppendFloat(float v, std::string& json) {
  if (!std::isfinite(v)) return AppendNonFinite(v, json);
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);  // shortest round trip
  json.append(buf, end);
}

// Infinite dates and timestamps as strings; false for finite ones.
bool AppendInfinity(const Column& c, std::string& json) {
  int64_t v = c.type().id == TypeId::kDate ? c.Get<int32_t>(0) : c.Get<int64_t>(0);
  if (v == kDateInfinity || v == kTimestampInfinity) {
    json += "\"infinity\"";
  } else if (v == kDateMinusInfinity || v == kTimestampMinusInfinity) {
    json += "\"-infinity\"";
  } else {
    return false;
  }
  return true;
}

}  // namespace

struct PgArrayJson::Cursor {
  const char* p;
  const char* end;
  int ndim = 0;
  int32_t dims[kMaxDimensions] = {};

  int32_t Int32() {
    if (end - p < 4) throw PgValueError("malformed array value (truncated)");
    auto v = static_cast<int32_t>(ReadBigEndian<uint32_t>(p));
    p += 4;
    return v;
  }
};

PgArrayJson::PgArrayJson(std::shared_ptr<const PgValueType> element)
    : element_(element),
      decoder_(std::make_unique<PgValueDecoder>(element)),
      scratch_(element->type) {}

PgArrayJson::~PgArrayJson() = default;

void PgArrayJson::Append(std::string_view bytes, std::string& json) {
  Cursor c{bytes.data(), bytes.data() + bytes.size()};
  c.ndim = c.Int32();
  c.Int32();  // has-nulls flag: each element says so itself
  c.Int32();  // element OID: the plan already knows the element type
  if (c.ndim < 0 || c.ndim > kMaxDimensions) throw PgValueError("malformed array value (ndim)");
  for (int d = 0; d < c.ndim; ++d) {
    c.dims[d] = c.Int32();
    int32_t lower = c.Int32();
    if (c.dims[d] < 0) throw PgValueError("malformed array value (negative dimension)");
    if (lower != 1) {
      throw PgValueError(fmt::format(
          "array with lower bound {} cannot be represented as a JSON list without losing its "
          "bounds; cast the column in a query (e.g. array_to_json(column), which drops them)",
          lower));
    }
  }
  if (c.ndim == 0) {
    json += "[]";
  } else {
    AppendLevel(c, 0, json);
  }
  if (c.p != c.end) throw PgValueError("malformed array value (trailing bytes)");
}

void PgArrayJson::AppendLevel(Cursor& c, int level, std::string& json) {
  json += '[';
  for (int32_t i = 0; i < c.dims[level]; ++i) {
    if (i > 0) json += ',';
    if (level + 1 < c.ndim) {
      AppendLevel(c, level + 1, json);
    } else {
      AppendElement(c, json);
    }
  }
  json += ']';
}

void PgArrayJson::AppendElement(Cursor& c, std::string& json) {
  int32_t size = c.Int32();
  if (size == -1) {
    json += "null";
    return;
  }
  if (size < 0 || c.end - c.p < size) throw PgValueError("malformed array value (element size)");
  scratch_.Clear();
  decoder_->Append(std::string_view(c.p, static_cast<size_t>(size)), scratch_);
  c.p += size;
  AppendScratch(json);
}

void PgArrayJson::AppendScratch(std::string& json) {
  TypeId id = scratch_.type().id;
  switch (element_->wire) {
    case PgWire::kBool:
    case PgWire::kInt2:
    case PgWire::kInt4:
    case PgWire::kInt8:
    case PgWire::kOid:
      json += ValueText(scratch_, 0);
      return;
    case PgWire::kFloat4:
      return AppendFloat(scratch_.Get<float>(0), json);
    case PgWire::kFloat8: {
      double v = scratch_.Get<double>(0);
      if (!std::isfinite(v)) return AppendNonFinite(v, json);
      json += FormatDouble(v);
      return;
    }
    case PgWire::kNumeric: {
      if (id == TypeId::kDecimal) {
        json += ValueText(scratch_, 0);
        return;
      }
      std::string_view text = scratch_.GetBytes(0);
      if (text == "NaN" || text == "Infinity" || text == "-Infinity") {
        return AppendJsonString(text, json);
      }
      json += text;
      return;
    }
    case PgWire::kDate:
    case PgWire::kTimestamp:
      if (AppendInfinity(scratch_, json)) return;
      break;
    default:
      if (id == TypeId::kJson) {
        json += scratch_.GetBytes(0);
        return;
      }
      break;
  }
  if (id == TypeId::kText) return AppendJsonString(scratch_.GetBytes(0), json);
  AppendJsonString(ValueText(scratch_, 0), json);
}

void AppendJsonString(std::string_view text, std::string& json) {
  json += '"';
  for (char ch : text) {
    auto u = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"':
        json += "\\\"";
        break;
      case '\\':
        json += "\\\\";
        break;
      case '\n':
        json += "\\n";
        break;
      case '\r':
        json += "\\r";
        break;
      case '\t':
        json += "\\t";
        break;
      default:
        if (u < 0x20) {
          fmt::format_to(std::back_inserter(json), "\\u{:04x}", u);
        } else {
          json += ch;
        }
    }
  }
  json += '"';
}

}  // namespace tributary
