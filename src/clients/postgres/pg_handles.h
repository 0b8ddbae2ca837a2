// Move-only owners of libpq's C handles.
#pragma once

#include <libpq-fe.h>

#include <memory>

namespace tributary {

struct PgConnCloser {
  void operator()(PGconn* conn) const { PQfinish(conn); }
};
struct PgResultClearer {
  void operator()(PGresult* result) const { PQclear(result); }
};
struct PgMemFree {
  void operator()(char* buffer) const { PQfreemem(buffer); }
};
struct PgCancelFree {
  void operator()(PGcancel* cancel) const { PQfreeCancel(cancel); }
};

using PgConn = std::unique_ptr<PGconn, PgConnCloser>;
using PgResult = std::unique_ptr<PGresult, PgResultClearer>;
// A buffer libpq allocated for us (PQgetCopyData).
using PgBuffer = std::unique_ptr<char, PgMemFree>;
using PgCancel = std::unique_ptr<PGcancel, PgCancelFree>;

}  // namespace tributary
