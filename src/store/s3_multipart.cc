#include "store/s3_multipart.h"

#include <algorithm>
#include <vector>

#include "clients/http/url.h"
#include "common/log.h"
#include "store/s3_xml.h"

namespace tributary {

namespace {

std::string Start(const S3Client& s3, const std::string& full_key) {
  HttpRequest request;
  request.method = "POST";
  request.url = s3.UrlFor(full_key, "uploads=");
  request.SetHeader("Content-Type", "application/octet-stream");
  HttpResponse response = s3.Send(request);
  std::string id = ParseS3UploadId(response.body);
  if (!response.Ok() || id.empty()) s3.Fail(response, "start a multipart upload of", full_key);
  return id;
}

std::string Part(const S3Client& s3, const std::string& full_key, const std::string& id, int number,
                 FileRange range) {
  HttpRequest request;
  request.method = "PUT";
  request.url =
      s3.UrlFor(full_key, EncodeQuery({{"partNumber", std::to_string(number)}, {"uploadId", id}}));
  request.body_file = std::move(range);
  HttpResponse response = s3.Send(request, kUnsignedPayload);
  std::string etag = response.Header("etag");
  if (!response.Ok() || etag.empty()) {
    s3.Fail(response, "upload part " + std::to_string(number) + " of", full_key);
  }
  return etag;
}

void Complete(const S3Client& s3, const std::string& full_key, const std::string& id,
              const std::vector<std::string>& etags) {
  HttpRequest request;
  request.method = "POST";
  request.url = s3.UrlFor(full_key, EncodeQuery({{"uploadId", id}}));
  request.SetHeader("Content-Type", "application/xml");
  request.body = S3CompleteMultipartXml(etags);
  // A 200 can still carry an <Error> (the server failed while assembling).
  auto error_body = [](const HttpResponse& r) {
    return r.Ok() && !ParseS3Error(r.body).code.empty();
  };
  HttpResponse response = s3.Send(request, "", error_body);
  if (!response.Ok() || !ParseS3Error(response.body).code.empty()) {
    s3.Fail(response, "complete the multipart upload of", full_key);
  }
}

// Best effort: a failed abort is logged, the first error is what matters.
void Abort(const S3Client& s3, const std::string& full_key, const std::string& id) {
  try {
    HttpRequest request;
    request.method = "DELETE";
    request.url = s3.UrlFor(full_key, EncodeQuery({{"uploadId", id}}));
    HttpResponse response = s3.Send(request);
    if (response.Ok() || response.status == 404) return;
    Log(LogLevel::kWarn, "could not abort a multipart upload",
        {{"key", full_key}, {"status", response.status}});
  } catch (const std::exception& e) {
    Log(LogLevel::kWarn, "could not abort a multipart upload",
        {{"key", full_key}, {"error", e.what()}});
  }
}

}  // namespace

void UploadS3Multipart(const S3Client& s3, const std::string& full_key,
                       const std::filesystem::path& source, int64_t size) {
  std::string id = Start(s3, full_key);
  try {
    std::vector<std::string> etags;
    int64_t part_size = s3.config().part_size;
    for (int64_t offset = 0; offset < size; offset += part_size) {
      FileRange range{source, offset, std::min(part_size, size - offset)};
      etags.push_back(Part(s3, full_key, id, int(etags.size()) + 1, range));
    }
    Complete(s3, full_key, id, etags);
  } catch (...) {
    Abort(s3, full_key, id);
    throw;
  }
}

}  // namespace tributary
