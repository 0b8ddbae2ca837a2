// A TCP listener that speaks just enough TDS (SQL Server's protocol) to
// receive a client's LOGIN7 record and then hang up. It lets tests check,
// through the real unixODBC + FreeTDS stack, what a connection string turns
// into on the wire — user, password, application name, database — without
// a SQL Server. Protocol facts: [MS-TDS] 2.2.3 (packet header), 2.2.6.5
// (PRELOGIN), 2.2.6.4 (LOGIN7: offsets, UTF-16LE strings, password bytes
// with nibbles swapped and XORed with 0xA5).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <future>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "source/odbc/odbc_text.h"

namespace tributary::testing {

struct TdsLogin {
  std::string host, user, password, app, server, library, language, database;
};

class TdsLoginCapture {
 public:
  TdsLoginCapture() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || listen(fd_, 1) != 0) {
      throw std::runtime_error("TdsLoginCapture: cannot listen");
    }
    socklen_t len = sizeof(addr);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { Serve(); });
  }
  ~TdsLoginCapture() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }

  int port() const { return port_; }
  // Waits (up to 20 s) for the login record; throws if none arrived.
  TdsLogin Login() {
    auto future = login_.get_future();
    if (future.wait_for(std::chrono::seconds(20)) != std::future_status::ready) {
      throw std::runtime_error("TdsLoginCapture: no LOGIN7 received");
    }
    return future.get();
  }

 private:
  void Serve() {
    int client = accept(fd_, nullptr, nullptr);
    if (client < 0) return;
    timeval timeout{20, 0};
    setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    try {
      if (ReadMessage(client).first == 0x12) {
        SendPreloginReply(client);
        auto [type, payload] = ReadMessage(client);
        if (type == 0x10) login_.set_value(ParseLogin(payload));
      }
    } catch (...) {
      try {
        login_.set_exception(std::current_exception());
      } catch (...) {
      }
    }
    close(client);
  }

  static void ReadExact(int fd, uint8_t* out, size_t n) {
    while (n > 0) {
      ssize_t got = recv(fd, out, n, 0);
      if (got <= 0) throw std::runtime_error("TdsLoginCapture: connection closed");
      out += got;
      n -= static_cast<size_t>(got);
    }
  }

  // Reads packets until end-of-message; returns (type, payload).
  static std::pair<uint8_t, std::vector<uint8_t>> ReadMessage(int fd) {
    std::vector<uint8_t> payload;
    uint8_t header[8];
    do {
      ReadExact(fd, header, 8);
      size_t length = (size_t{header[2]} << 8) | header[3];
      size_t at = payload.size();
      payload.resize(at + length - 8);
      ReadExact(fd, payload.data() + at, length - 8);
    } while ((header[1] & 0x01) == 0);
    return {header[0], payload};
  }

  // VERSION 15.0.2000.0 and ENCRYPTION = not supported.
  static void SendPreloginReply(int fd) {
    const uint8_t payload[] = {0x00, 0x00, 11, 0x00, 6,    0x01, 0x00, 17, 0x00,
                               1,    0xFF, 15, 0,    0x07, 0xD0, 0,    0,  0x02};
    std::vector<uint8_t> packet = {0x04, 0x01, 0, static_cast<uint8_t>(8 + sizeof(payload)),
                                   0,    0,    1, 0};
    packet.insert(packet.end(), payload, payload + sizeof(payload));
    send(fd, packet.data(), packet.size(), MSG_NOSIGNAL);
  }

  static std::string Field(const std::vector<uint8_t>& p, size_t pos, bool password = false) {
    size_t offset = p[pos] | (size_t{p[pos + 1]} << 8);
    size_t chars = p[pos + 2] | (size_t{p[pos + 3]} << 8);
    WideString units;
    for (size_t i = 0; i < chars; ++i) {
      uint8_t lo = p.at(offset + 2 * i), hi = p.at(offset + 2 * i + 1);
      if (password) {
        lo ^= 0xA5, hi ^= 0xA5;
        lo = static_cast<uint8_t>((lo << 4) | (lo >> 4));
        hi = static_cast<uint8_t>((hi << 4) | (hi >> 4));
      }
      units += static_cast<SQLWCHAR>(lo | (hi << 8));
    }
    return FromWide(units.data(), units.size());
  }

  static TdsLogin ParseLogin(const std::vector<uint8_t>& p) {
    TdsLogin login;
    login.host = Field(p, 36);
    login.user = Field(p, 40);
    login.password = Field(p, 44, true);
    login.app = Field(p, 48);
    login.server = Field(p, 52);
    login.library = Field(p, 60);
    login.language = Field(p, 64);
    login.database = Field(p, 68);
    return login;
  }

  int fd_ = -1;
  int port_ = 0;
  std::promise<TdsLogin> login_;
  std::thread thread_;
};

}  // namespace tributary::testing
