# Every dependency comes from Debian packages, except DuckDB, whose C API is
# fetched from the npm registry by scripts/fetch-duckdb.sh (or given by DUCKDB_ROOT).
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(yaml-cpp REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(fmt REQUIRED)
find_package(CLI11 REQUIRED)
find_package(date REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(PostgreSQL REQUIRED)
find_package(ODBC REQUIRED)  # unixODBC (Debian: unixodbc-dev)
# The object stores' HTTP client (clients/http/): libcurl, OpenSSL for
# signatures, pugixml for the S3 and Azure XML bodies.
find_package(CURL REQUIRED)  # Debian: libcurl4-openssl-dev
find_package(OpenSSL REQUIRED)
find_package(pugixml REQUIRED)
# The status page's HTTP server (serve/): cpp-httplib, compiled (Debian:
# libcpp-httplib-dev); its pkg-config flags must be used, they change the
# classes' layout.
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib>=0.11)

if(NOT DUCKDB_ROOT)
  set(DUCKDB_ROOT "${PROJECT_SOURCE_DIR}/third_party/duckdb")
endif()
find_path(DUCKDB_INCLUDE_DIR duckdb.h PATHS "${DUCKDB_ROOT}/include" NO_DEFAULT_PATH)
find_library(DUCKDB_LIBRARY duckdb PATHS "${DUCKDB_ROOT}/lib" NO_DEFAULT_PATH)
if(NOT DUCKDB_INCLUDE_DIR OR NOT DUCKDB_LIBRARY)
  message(FATAL_ERROR "DuckDB not found under ${DUCKDB_ROOT}. Run scripts/fetch-duckdb.sh "
                      "or pass -DDUCKDB_ROOT=<dir with include/duckdb.h and lib/libduckdb.so>.")
endif()
add_library(duckdb_c SHARED IMPORTED GLOBAL)
set_target_properties(duckdb_c PROPERTIES
  IMPORTED_LOCATION "${DUCKDB_LIBRARY}"
  INTERFACE_INCLUDE_DIRECTORIES "${DUCKDB_INCLUDE_DIR}")
get_filename_component(DUCKDB_LIBRARY_DIR "${DUCKDB_LIBRARY}" DIRECTORY)
set(CMAKE_BUILD_RPATH "${DUCKDB_LIBRARY_DIR}")
# Installed, the binary finds libduckdb.so (and, in the relocatable archive and
# the wheel, every bundled library) beside it: cmake/Packaging.cmake.
set(CMAKE_INSTALL_RPATH "\$ORIGIN/../lib/tributary")
