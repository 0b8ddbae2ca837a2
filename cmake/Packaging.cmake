# What `cmake --install` puts where, and the Debian package CPack builds from
# it (scripts/package.sh drives both; docs/install.md is the user's side).
#
#   bin/tributary                     RUNPATH $ORIGIN/../lib/tributary
#   lib/tributary/libduckdb.so        DuckDB's C library (not in Debian)
#   share/doc/tributary/README.md
#   share/tributary/examples/quickstart/
#
# The relocatable archive and the wheel add the other shared libraries the
# binary needs to lib/tributary/ (scripts/package.sh); the .deb instead depends
# on Debian's packages, computed by dpkg-shlibdeps from the binary.
set(TRIBUTARY_PRIVATE_LIBDIR "lib/tributary")
install(TARGETS tributary RUNTIME DESTINATION bin)
install(FILES "${DUCKDB_LIBRARY}" DESTINATION "${TRIBUTARY_PRIVATE_LIBDIR}")
install(FILES "${PROJECT_SOURCE_DIR}/README.md" DESTINATION share/doc/tributary)
install(DIRECTORY "${PROJECT_SOURCE_DIR}/examples/quickstart" DESTINATION share/tributary/examples
  # What a run leaves in the example (its bronze, state and dbt output) stays out.
  PATTERN "*.db" EXCLUDE PATTERN "*.db-*" EXCLUDE PATTERN "*.db.tmp" EXCLUDE
  PATTERN "*.duckdb" EXCLUDE PATTERN "*.duckdb.*" EXCLUDE
  PATTERN ".tributary" EXCLUDE PATTERN "target" EXCLUDE PATTERN "logs" EXCLUDE)

set(CPACK_PACKAGE_NAME tributary)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "Multi-frequency loads from operational databases into a lakehouse's bronze layer")
set(CPACK_PACKAGE_CONTACT "tributary maintainers <tributary@localhost>")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION database)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
# Depends: from the libraries the binary links (dpkg-shlibdeps), libduckdb.so
# being the package's own.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "${DUCKDB_LIBRARY_DIR}")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
  "tributary loads tables from SQL Server, PostgreSQL and SQLite into DuckDB, Delta Lake\n (local, S3, Azure) or PostgreSQL, each table at its own frequency, and runs the\n dbt models and Power BI refreshes of the same frequencies after them.")
include(CPack)
