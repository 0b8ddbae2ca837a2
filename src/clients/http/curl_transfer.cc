#include "clients/http/curl_transfer.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>

namespace tributary {

namespace {

// The calling thread's handle, reset before each use; freed when the thread ends.
CURL* ThreadHandle() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  struct Handle {
    CURL* curl = curl_easy_init();
    ~Handle() { curl_easy_cleanup(curl); }
  };
  thread_local Handle handle;
  if (handle.curl == nullptr) throw HttpError("could not create a libcurl handle");
  curl_easy_reset(handle.curl);
  return handle.curl;
}

struct Exchange {
  const HttpRequest* request = nullptr;
  CURL* curl = nullptr;
  HttpResponse* response = nullptr;
  size_t memory_offset = 0;
  std::ifstream in;
  int64_t remaining = 0;
  std::ofstream out;
  bool to_file = false;
  bool decided = false;
  std::string file_error;
};

size_t ReadBody(char* buffer, size_t size, size_t count, void* user) {
  auto* x = static_cast<Exchange*>(user);
  size_t room = size * count;
  if (!x->request->body_file) {
    size_t n = std::min(room, x->request->body.size() - x->memory_offset);
    std::copy_n(x->request->body.data() + x->memory_offset, n, buffer);
    x->memory_offset += n;
    return n;
  }
  size_t want = static_cast<size_t>(std::min<int64_t>(int64_t(room), x->remaining));
  if (want == 0) return 0;
  x->in.read(buffer, static_cast<std::streamsize>(want));
  auto got = static_cast<size_t>(x->in.gcount());
  if (got == 0) {
    x->file_error = "could not read " + x->request->body_file->path.string();
    return CURL_READFUNC_ABORT;
  }
  x->remaining -= int64_t(got);
  return got;
}

// curl rewinds the body when it sends the request again on a fresh
// connection (a reused one was closed by the server meanwhile).
int SeekBody(void* user, curl_off_t offset, int origin) {
  auto* x = static_cast<Exchange*>(user);
  if (origin != SEEK_SET || offset < 0 || offset > x->request->BodySize())
    return CURL_SEEKFUNC_FAIL;
  if (!x->request->body_file) {
    x->memory_offset = size_t(offset);
    return CURL_SEEKFUNC_OK;
  }
  x->in.clear();
  x->in.seekg(x->request->body_file->offset + offset);
  x->remaining = x->request->body_file->length - offset;
  return x->in ? CURL_SEEKFUNC_OK : CURL_SEEKFUNC_FAIL;
}

size_t WriteBody(char* data, size_t size, size_t count, void* user) {
  auto* x = static_cast<Exchange*>(user);
  size_t n = size * count;
  if (!x->decided) {
    x->decided = true;
    long status = 0;
    curl_easy_getinfo(x->curl, CURLINFO_RESPONSE_CODE, &status);
    if (x->request->response_file && status >= 200 && status < 300) {
      x->to_file = true;
      x->out.open(*x->request->response_file, std::ios::binary | std::ios::trunc);
    }
  }
  if (!x->to_file) {
    x->response->body.append(data, n);
    return n;
  }
  x->out.write(data, static_cast<std::streamsize>(n));
  if (!x->out) {
    x->file_error = "could not write " + x->request->response_file->string();
    return 0;
  }
  return n;
}

size_t WriteHeader(char* data, size_t size, size_t count, void* user) {
  auto* x = static_cast<Exchange*>(user);
  std::string line(data, size * count);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  if (line.rfind("HTTP/", 0) == 0) {
    x->response->headers.clear();  // a new response (after 100 Continue)
  } else if (size_t colon = line.find(':'); colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return char(std::tolower(c)); });
    size_t start = line.find_first_not_of(' ', colon + 1);
    x->response->headers.emplace_back(name, start == std::string::npos ? "" : line.substr(start));
  }
  return size * count;
}

bool Transient(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE:
    case CURLE_SEND_FAIL_REWIND:
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
      return true;
    default:
      return false;
  }
}

using HeaderList = std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)>;

HeaderList BuildHeaders(const HttpRequest& request) {
  HeaderList list(nullptr, &curl_slist_free_all);
  auto add = [&list](const std::string& line) {
    curl_slist* next = curl_slist_append(list.get(), line.c_str());
    if (next == nullptr) throw HttpError("out of memory building HTTP headers");
    (void)list.release();
    list.reset(next);
  };
  // No "Expect: 100-continue" round trip; headers with empty values need ';'.
  add("Expect:");
  for (const auto& [name, value] : request.headers) {
    add(value.empty() ? name + ";" : name + ": " + value);
  }
  return list;
}

void SetBody(CURL* curl, Exchange& x) {
  const HttpRequest& r = *x.request;
  bool has_body = r.body_file || !r.body.empty() || r.method == "PUT" || r.method == "POST";
  if (r.method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  if (has_body) {
    if (r.body_file) {
      x.in.open(r.body_file->path, std::ios::binary);
      x.in.seekg(r.body_file->offset);
      if (!x.in) throw HttpError("could not open " + r.body_file->path.string() + " for upload");
      x.remaining = r.body_file->length;
    }
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, curl_off_t(r.BodySize()));
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, &ReadBody);
    curl_easy_setopt(curl, CURLOPT_READDATA, &x);
    curl_easy_setopt(curl, CURLOPT_SEEKFUNCTION, &SeekBody);
    curl_easy_setopt(curl, CURLOPT_SEEKDATA, &x);
  }
  if (r.method != "GET" && r.method != "HEAD" && !(has_body && r.method == "PUT")) {
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, r.method.c_str());
  }
}

}  // namespace

TransferResult PerformTransfer(const HttpRequest& request, const HttpTimeouts& timeouts) {
  TransferResult result;
  CURL* curl = ThreadHandle();
  Exchange x;
  x.request = &request;
  x.curl = curl;
  x.response = &result.response;
  HeaderList headers = BuildHeaders(request);
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, long(timeouts.connect.count()));
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, std::max(1L, long(timeouts.stall.count() / 1000)));
  if (timeouts.total.count() > 0) {
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, long(timeouts.total.count()));
  }
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, &WriteBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &x);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, &WriteHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &x);
  SetBody(curl, x);
  CURLcode code = curl_easy_perform(curl);
  if (!x.file_error.empty()) throw HttpError(x.file_error);
  if (code != CURLE_OK) {
    result.transient = Transient(code);
    result.error = curl_easy_strerror(code);
    return result;
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.response.status);
  result.completed = true;
  if (request.response_file && result.response.Ok() && !x.to_file) {
    std::ofstream empty(*request.response_file, std::ios::binary | std::ios::trunc);
    if (!empty) throw HttpError("could not write " + request.response_file->string());
  }
  if (x.to_file) {
    x.out.close();
    if (!x.out) throw HttpError("could not write " + request.response_file->string());
  }
  return result;
}

}  // namespace tributary
