#include "source/sqlserver/sqlserver_settings.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

#include "common/error.h"
#include "config/secrets.h"
#include "config/settings.h"

namespace tributary {
namespace {

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

class SettingReader {
 public:
  SettingReader(const Project& project, const ServerConfig& server)
      : project_(project), server_(server) {}

  // The written value (secrets resolved) or the declared default.
  std::string Text(const char* key) const {
    auto it = server_.settings.find(key);
    if (it != server_.settings.end()) return ResolveSecrets(it->second, project_.dir);
    for (const auto* s : SettingsFor("server.sqlserver")) {
      if (std::string_view(s->key) == key) return s->default_value;
    }
    return "";
  }

  int Integer(const char* key, int min, int max) const {
    std::string text = Text(key);
    int value = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || p != text.data() + text.size() || value < min || value > max) {
      throw Invalid(key, fmt::format("must be a whole number from {} to {}", min, max));
    }
    return value;
  }

  bool Boolean(const char* key) const {
    std::string text = Lower(Text(key));
    if (text == "true" || text == "yes" || text == "1") return true;
    if (text == "false" || text == "no" || text == "0") return false;
    throw Invalid(key, "must be true or false");
  }

  ConfigError Invalid(const char* key, const std::string& why) const {
    return ConfigError(fmt::format("{}:{}:{}: server '{}': '{}' {}", server_.where.file,
                                   server_.where.line, server_.where.column, server_.name, key,
                                   why));
  }

 private:
  const Project& project_;
  const ServerConfig& server_;
};

}  // namespace

bool SqlServerSettings::IsFreeTds() const {
  std::string d = Lower(driver);
  return d.find("freetds") != std::string::npos || d.find("tdsodbc") != std::string::npos;
}

SqlServerSettings ReadSqlServerSettings(const Project& project, const ServerConfig& server) {
  SettingReader read(project, server);
  SqlServerSettings s;
  s.server_name = server.name;
  s.host = read.Text("host");
  if (s.host.empty()) throw read.Invalid("host", "is required");
  s.port = read.Integer("port", 1, 65535);
  s.user = read.Text("user");
  s.password = read.Text("password");
  s.driver = read.Text("driver");
  if (s.driver.empty()) throw read.Invalid("driver", "must name an installed ODBC driver");
  s.encrypt = read.Boolean("encrypt");
  s.trust_server_certificate = read.Boolean("trust_server_certificate");
  s.application_name = read.Text("application_name");
  s.connect_timeout_seconds = read.Integer("connect_timeout", 1, 3600);
  s.time_zone = read.Text("time_zone");
  return s;
}

// FreeTDS 1.3 (Debian 12) keeps a doubled `}}` inside braces as two
// characters, FreeTDS 1.4 reads it as one (FreeTDS/freetds#460): no spelling
// means the same to both, so such values are refused rather than guessed.
void CheckFreeTdsValue(const SqlServerSettings& s, const char* setting, const std::string& value) {
  if (value.find('}') == std::string::npos) return;
  throw ConfigError(fmt::format(
      "server '{}': the {} contains '}}', which FreeTDS versions read differently in a "
      "connection string; change it, or use Microsoft's driver (driver: ODBC Driver 18 for SQL "
      "Server)",
      s.server_name, setting));
}

OdbcConnectionString SqlServerConnectionString(const SqlServerSettings& s,
                                               const std::string& database) {
  if (s.IsFreeTds()) {
    CheckFreeTdsValue(s, "host", s.host);
    CheckFreeTdsValue(s, "database name", database);
    CheckFreeTdsValue(s, "user", s.user);
    CheckFreeTdsValue(s, "password", s.password);
    CheckFreeTdsValue(s, "application_name", s.application_name);
  }
  OdbcConnectionString cs;
  bool named_instance = s.host.find('\\') != std::string::npos;
  cs.Add("DRIVER", s.driver);
  if (s.IsFreeTds()) {
    cs.Add("SERVER", s.host);
    if (!named_instance) cs.Add("PORT", std::to_string(s.port));
  } else {
    cs.Add("SERVER", named_instance ? "tcp:" + s.host : fmt::format("tcp:{},{}", s.host, s.port));
  }
  cs.Add("DATABASE", database).Add("UID", s.user).Add("PWD", s.password, true);
  cs.Add("APP", s.application_name);
  if (s.IsFreeTds()) {
    cs.Add("TDS_Version", "7.4").Add("ClientCharset", "UTF-8");
    cs.Add("Encryption", s.encrypt ? "require" : "off");
  } else {
    cs.Add("Encrypt", s.encrypt ? "yes" : "no");
    cs.Add("TrustServerCertificate", s.trust_server_certificate ? "yes" : "no");
  }
  return cs;
}

}  // namespace tributary
