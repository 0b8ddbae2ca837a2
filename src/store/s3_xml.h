// The XML bodies of the S3 API that the store reads and writes: listing
// pages, error bodies, multipart upload ids and the completion request.
// Parsed with pugixml; pure functions, thread-safe.
#pragma once

#include <string>
#include <vector>

#include "store/object_store.h"

namespace tributary {

struct S3ErrorBody {
  std::string code;     // "NoSuchBucket", "" when the body is not an <Error>
  std::string message;  // the server's text, first line, at most 200 characters
};

// The <Error> of a response body, anywhere in it (CompleteMultipartUpload
// can answer 200 with one).
S3ErrorBody ParseS3Error(const std::string& body);

struct S3ListPage {
  std::vector<ObjectInfo> objects;  // full keys (the store strips its prefix)
  bool truncated = false;
  std::string next_token;  // NextContinuationToken
};

// A ListObjectsV2 (list-type=2) result. Throws StoreError naming `where`
// when the body is not one.
S3ListPage ParseS3ListPage(const std::string& body, const std::string& where);

// The UploadId of an InitiateMultipartUploadResult, "" when absent.
std::string ParseS3UploadId(const std::string& body);

// <CompleteMultipartUpload> for parts 1..n with these ETags (quotes kept).
std::string S3CompleteMultipartXml(const std::vector<std::string>& etags);

}  // namespace tributary
