#include "clients/duckdb/duckdb_values.h"

#include <fmt/format.h>

#include <string>

#include "common/error.h"

namespace tributary {
namespace {

using nlohmann::json;

json ValueAt(duckdb_vector vector, idx_t row);

std::string KeyText(const json& key) {
  return key.is_string() ? key.get<std::string>() : key.dump();
}

json ListAt(duckdb_vector vector, idx_t row, bool as_map) {
  auto entry = static_cast<duckdb_list_entry*>(duckdb_vector_get_data(vector))[row];
  duckdb_vector child = duckdb_list_vector_get_child(vector);
  json out = as_map ? json::object() : json::array();
  for (idx_t i = 0; i < entry.length; ++i) {
    if (!as_map) {
      out.push_back(ValueAt(child, entry.offset + i));
      continue;
    }
    json key = ValueAt(duckdb_struct_vector_get_child(child, 0), entry.offset + i);
    out[KeyText(key)] = ValueAt(duckdb_struct_vector_get_child(child, 1), entry.offset + i);
  }
  return out;
}

json StructAt(duckdb_vector vector, duckdb_logical_type type, idx_t row) {
  json out = json::object();
  idx_t count = duckdb_struct_type_child_count(type);
  for (idx_t i = 0; i < count; ++i) {
    char* name = duckdb_struct_type_child_name(type, i);
    out[name] = ValueAt(duckdb_struct_vector_get_child(vector, i), row);
    duckdb_free(name);
  }
  return out;
}

std::string StringAt(duckdb_vector vector, idx_t row) {
  auto* s = static_cast<duckdb_string_t*>(duckdb_vector_get_data(vector)) + row;
  const char* data = duckdb_string_is_inlined(*s) ? s->value.inlined.inlined : s->value.pointer.ptr;
  return std::string(data, duckdb_string_t_length(*s));
}

template <class T>
T Fixed(duckdb_vector vector, idx_t row) {
  return static_cast<T*>(duckdb_vector_get_data(vector))[row];
}

json ScalarAt(duckdb_vector vector, duckdb_type id, idx_t row) {
  switch (id) {
    case DUCKDB_TYPE_VARCHAR:
    case DUCKDB_TYPE_BLOB:
      return StringAt(vector, row);
    case DUCKDB_TYPE_BOOLEAN:
      return Fixed<bool>(vector, row);
    case DUCKDB_TYPE_INTEGER:
      return Fixed<int32_t>(vector, row);
    case DUCKDB_TYPE_BIGINT:
      return Fixed<int64_t>(vector, row);
    case DUCKDB_TYPE_UBIGINT:
      return Fixed<uint64_t>(vector, row);
    case DUCKDB_TYPE_DOUBLE:
      return Fixed<double>(vector, row);
    default:
      throw SinkError(
          fmt::format("duckdb: cannot read a result column of type id {}", static_cast<int>(id)));
  }
}

json ValueAt(duckdb_vector vector, idx_t row) {
  uint64_t* validity = duckdb_vector_get_validity(vector);
  if (validity != nullptr && !duckdb_validity_row_is_valid(validity, row)) return nullptr;
  DuckLogicalType type(duckdb_vector_get_column_type(vector));
  duckdb_type id = duckdb_get_type_id(type.get());
  if (id == DUCKDB_TYPE_LIST || id == DUCKDB_TYPE_MAP) {
    return ListAt(vector, row, id == DUCKDB_TYPE_MAP);
  }
  if (id == DUCKDB_TYPE_STRUCT) return StructAt(vector, type.get(), row);
  return ScalarAt(vector, id, row);
}

}  // namespace

std::vector<json> ResultRowsJson(DuckResult& result) {
  std::vector<json> rows;
  idx_t columns = duckdb_column_count(result.get());
  for (;;) {
    DuckDataChunk chunk(duckdb_fetch_chunk(*result.get()));
    if (!chunk) break;
    idx_t size = duckdb_data_chunk_get_size(chunk.get());
    for (idx_t row = 0; row < size; ++row) {
      json values = json::array();
      for (idx_t col = 0; col < columns; ++col) {
        values.push_back(ValueAt(duckdb_data_chunk_get_vector(chunk.get(), col), row));
      }
      rows.push_back(std::move(values));
    }
  }
  return rows;
}

}  // namespace tributary
