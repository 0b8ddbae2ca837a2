#include "support/loopback_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace tributary::testing {

namespace {

int Listen(int* port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 16) != 0) {
    close(fd);
    throw std::runtime_error("cannot listen on 127.0.0.1");
  }
  socklen_t length = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &length);
  *port = ntohs(addr.sin_port);
  return fd;
}

// Reads until the headers and the Content-Length body are in; false on EOF.
bool ReadRequest(int fd, LoopbackRequest& request) {
  std::string data;
  char buffer[65536];
  size_t header_end = std::string::npos;
  size_t length = 0;
  while (true) {
    if (header_end != std::string::npos && data.size() >= header_end + 4 + length) break;
    ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) return false;
    data.append(buffer, size_t(n));
    if (header_end == std::string::npos &&
        (header_end = data.find("\r\n\r\n")) != std::string::npos) {
      size_t line_end = data.find("\r\n");
      std::string first = data.substr(0, line_end);
      request.method = first.substr(0, first.find(' '));
      request.target = first.substr(first.find(' ') + 1, first.rfind(' ') - first.find(' ') - 1);
      size_t pos = line_end + 2;
      while (pos < header_end) {
        size_t end = data.find("\r\n", pos);
        std::string line = data.substr(pos, end - pos);
        size_t colon = line.find(':');
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return char(std::tolower(c)); });
        std::string value = line.substr(line.find_first_not_of(' ', colon + 1));
        if (name == "content-length") length = std::stoul(value);
        request.headers.emplace_back(name, value);
        pos = end + 2;
      }
    }
  }
  request.body = data.substr(header_end + 4, length);
  return true;
}

void WriteAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n <= 0) return;
    done += size_t(n);
  }
}

}  // namespace

std::string LoopbackRequest::Header(const std::string& lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return "";
}

LoopbackHttpServer::LoopbackHttpServer(Handler handler) : handler_(std::move(handler)) {
  listen_fd_ = Listen(&port_);
  thread_ = std::thread([this] { Serve(); });
}

LoopbackHttpServer::~LoopbackHttpServer() {
  stop_ = true;
  thread_.join();
  close(listen_fd_);
}

std::vector<LoopbackRequest> LoopbackHttpServer::Requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

void LoopbackHttpServer::Serve() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    int fd = accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) continue;
    Handle(fd);
    close(fd);
  }
}

void LoopbackHttpServer::Handle(int fd) {
  LoopbackRequest request;
  if (!ReadRequest(fd, request)) return;
  {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
  }
  LoopbackReply reply = handler_(request);
  if (reply.kind == LoopbackReply::Kind::kDrop) return;
  if (reply.kind == LoopbackReply::Kind::kHang) {
    while (!stop_) {
      pollfd p{fd, POLLIN, 0};
      if (poll(&p, 1, 50) > 0) {
        char c;
        if (read(fd, &c, 1) <= 0) return;  // the client gave up
      }
    }
    return;
  }
  std::string text = "HTTP/1.1 " + std::to_string(reply.status) + " Scripted\r\n";
  for (const auto& [name, value] : reply.headers) text += name + ": " + value + "\r\n";
  text += "Content-Length: " + std::to_string(reply.body.size()) + "\r\nConnection: close\r\n\r\n";
  WriteAll(fd, text + reply.body);
}

int FreeLoopbackPort() {
  int port = 0;
  int fd = Listen(&port);
  close(fd);
  return port;
}

}  // namespace tributary::testing
