#include "sink/delta/delta_types.h"

#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "data/value_text.h"

namespace tributary {
namespace {

using nlohmann::json;

struct DeltaName {
  TypeId id;
  const char* name;
};

constexpr DeltaName kNames[] = {
    {TypeId::kBool, "boolean"},
    {TypeId::kInt16, "short"},
    {TypeId::kInt32, "integer"},
    {TypeId::kInt64, "long"},
    {TypeId::kFloat32, "float"},
    {TypeId::kFloat64, "double"},
    {TypeId::kText, "string"},
    {TypeId::kBytes, "binary"},
    {TypeId::kDate, "date"},
    {TypeId::kTimestampTz, "timestamp"},
    {TypeId::kTimestamp, "timestamp_ntz"},
};

bool NeedsText(TypeId id) { return id == TypeId::kTime || id == TypeId::kInterval; }

std::string SecondsText(int64_t micros) {
  std::string sign = micros < 0 ? "-" : "";
  uint64_t magnitude = micros < 0 ? -static_cast<uint64_t>(micros) : static_cast<uint64_t>(micros);
  std::string text = fmt::format("{}{}", sign, magnitude / 1'000'000);
  if (uint64_t fraction = magnitude % 1'000'000; fraction != 0) {
    std::string digits = fmt::format("{:06}", fraction);
    digits.erase(digits.find_last_not_of('0') + 1);
    text += "." + digits;
  }
  return text;
}

void AppendAsText(const Column& from, Column& to) {
  for (size_t row = 0; row < from.size(); ++row) {
    if (from.IsNull(row)) {
      to.AppendNull();
    } else if (from.type().id == TypeId::kInterval) {
      to.AppendBytes(IsoInterval(from.Get<Interval>(row)));
    } else {
      to.AppendBytes(ValueText(from, row));
    }
  }
}

void CopyColumn(const Column& from, Column& to) {
  to.Reserve(from.size());
  for (size_t row = 0; row < from.size(); ++row) {
    if (from.IsNull(row)) {
      to.AppendNull();
    } else if (IsVarLen(from.type().id)) {
      to.AppendBytes(from.GetBytes(row));
    } else {
      size_t width = FixedWidth(from.type().id);
      switch (width) {
        case 1:
          to.Append(from.Get<uint8_t>(row));
          break;
        case 2:
          to.Append(from.Get<int16_t>(row));
          break;
        case 4:
          to.Append(from.Get<int32_t>(row));
          break;
        case 8:
          to.Append(from.Get<int64_t>(row));
          break;
        default:
          to.Append(from.Get<Interval>(row));  // 16 bytes: interval, uuid, decimal alike
      }
    }
  }
}

}  // namespace

DataType DeltaStoredType(const DataType& type, const DeltaTypeOptions& options) {
  switch (type.id) {
    case TypeId::kJson:
    case TypeId::kTime:
    case TypeId::kUuid:
    case TypeId::kInterval:
      return DataType{TypeId::kText};
    case TypeId::kTimestamp:
      return options.timestamp_ntz ? type : DataType{TypeId::kTimestampTz};
    default:
      return type;
  }
}

Schema DeltaStoredSchema(const Schema& schema, const DeltaTypeOptions& options) {
  Schema stored = schema;
  for (Field& f : stored.fields) f.type = DeltaStoredType(f.type, options);
  return stored;
}

std::string DeltaTypeName(const DataType& stored) {
  if (stored.id == TypeId::kDecimal) {
    return fmt::format("decimal({},{})", stored.precision, stored.scale);
  }
  for (const auto& n : kNames) {
    if (n.id == stored.id) return n.name;
  }
  return "string";
}

std::optional<DataType> FromDeltaTypeName(std::string_view name) {
  int precision = 0;
  int scale = 0;
  if (std::sscanf(std::string(name).c_str(), "decimal(%d,%d)", &precision, &scale) == 2 &&
      precision >= 1 && precision <= 38 && scale >= 0 && scale <= precision) {
    return DataType::Decimal(precision, scale);
  }
  if (name == "byte") return DataType{TypeId::kInt16};
  for (const auto& n : kNames) {
    if (name == n.name) return DataType{n.id};
  }
  return std::nullopt;
}

std::string DeltaSchemaString(const Schema& stored) {
  json fields = json::array();
  for (const Field& f : stored.fields) {
    fields.push_back(json{{"name", f.name},
                          {"type", DeltaTypeName(f.type)},
                          {"nullable", true},
                          {"metadata", json::object()}});
  }
  json schema = json::object();
  schema["type"] = "struct";
  schema["fields"] = std::move(fields);
  return schema.dump();
}

Schema ParseDeltaSchemaString(const std::string& table, const std::string& schema_string) {
  json parsed = json::parse(schema_string, nullptr, false);
  if (parsed.is_discarded() || !parsed.contains("fields") || !parsed["fields"].is_array()) {
    throw SinkError(
        fmt::format("delta table '{}': metaData.schemaString is not a valid schema", table));
  }
  Schema schema;
  for (const json& field : parsed["fields"]) {
    std::string name = field.value("name", "");
    const json& type = field.contains("type") ? field["type"] : json();
    std::optional<DataType> mapped;
    if (type.is_string()) mapped = FromDeltaTypeName(type.get<std::string>());
    if (!mapped) {
      throw SinkError(fmt::format(
          "delta table '{}' column '{}' has type {}, which tributary does not load; give the "
          "table another sink_table name or drop the column in the table",
          table, name, type.dump()));
    }
    schema.fields.push_back(Field{name, *mapped, field.value("nullable", true)});
  }
  return schema;
}

bool NeedsTimestampNtz(const Schema& stored) {
  for (const Field& f : stored.fields) {
    if (f.type.id == TypeId::kTimestamp) return true;
  }
  return false;
}

std::optional<Batch> ToDeltaBatch(const Batch& batch) {
  bool any = false;
  for (const Field& f : batch.schema().fields) any = any || NeedsText(f.type.id);
  if (!any) return std::nullopt;
  auto schema = std::make_shared<Schema>(batch.schema());
  for (Field& f : schema->fields) {
    if (NeedsText(f.type.id)) f.type = DataType{TypeId::kText};
  }
  Batch out(schema);
  for (size_t col = 0; col < batch.num_columns(); ++col) {
    if (NeedsText(batch.column(col).type().id)) {
      AppendAsText(batch.column(col), out.column(col));
    } else {
      CopyColumn(batch.column(col), out.column(col));
    }
  }
  return out;
}

std::string IsoInterval(const Interval& interval) {
  std::string text = "P";
  if (interval.months != 0) text += fmt::format("{}M", interval.months);
  if (interval.days != 0) text += fmt::format("{}D", interval.days);
  if (interval.micros != 0 || text == "P") text += "T" + SecondsText(interval.micros) + "S";
  return text;
}

bool IsValidDeltaColumnName(std::string_view name) {
  return !name.empty() && name.find_first_of(" ,;{}()\n\t=") == std::string_view::npos;
}

}  // namespace tributary
