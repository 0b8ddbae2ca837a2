#include "source/postgres/pg_connect_info.h"

#include "config/secrets.h"
#include "config/settings.h"

namespace tributary {
namespace {

// A setting as written (secrets resolved), or its documented default.
std::string SettingValue(const Project& project, const ServerConfig& server,
                         const std::string& key) {
  if (auto it = server.settings.find(key); it != server.settings.end()) {
    return ResolveSecrets(it->second, project.dir);
  }
  for (const Setting* s : SettingsFor("server.postgresql")) {
    if (key == s->key) return s->default_value;
  }
  return "";
}

}  // namespace

PgConnectInfo MakePgConnectInfo(const Project& project, const ServerConfig& server,
                                const std::string& database) {
  PgConnectInfo info;
  info.server = server.name;
  info.database = database;
  auto get = [&](const char* key) { return SettingValue(project, server, key); };
  info.host = get("host");
  info.port = get("port");
  info.user = get("user");
  info.password = get("password");
  info.sslmode = get("sslmode");
  info.connect_timeout = get("connect_timeout");
  info.application_name = get("application_name");
  return info;
}

}  // namespace tributary
