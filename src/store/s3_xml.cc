#include "store/s3_xml.h"

#include <pugixml.hpp>
#include <sstream>

#include "store/store_time.h"

namespace tributary {

namespace {

std::string FirstLine(std::string text, size_t limit = 200) {
  text = text.substr(0, text.find_first_of("\r\n"));
  return text.size() > limit ? text.substr(0, limit) + "…" : text;
}

}  // namespace

S3ErrorBody ParseS3Error(const std::string& body) {
  S3ErrorBody error;
  pugi::xml_document doc;
  if (!doc.load_string(body.c_str())) return error;
  pugi::xml_node node = doc.select_node("//Error").node();
  if (!node) return error;
  error.code = node.child_value("Code");
  error.message = FirstLine(node.child_value("Message"));
  return error;
}

S3ListPage ParseS3ListPage(const std::string& body, const std::string& where) {
  pugi::xml_document doc;
  pugi::xml_node root;
  if (doc.load_string(body.c_str())) root = doc.child("ListBucketResult");
  if (!root) throw StoreError(where + ": the listing answer is not a ListBucketResult");
  S3ListPage page;
  for (pugi::xml_node item : root.children("Contents")) {
    ObjectInfo info;
    info.key = item.child_value("Key");
    info.size = std::stoll(std::string("0") + item.child_value("Size"));
    info.modified_ms = ParseIso8601Ms(item.child_value("LastModified")).value_or(0);
    page.objects.push_back(std::move(info));
  }
  page.truncated = std::string(root.child_value("IsTruncated")) == "true";
  page.next_token = root.child_value("NextContinuationToken");
  return page;
}

std::string ParseS3UploadId(const std::string& body) {
  pugi::xml_document doc;
  if (!doc.load_string(body.c_str())) return "";
  return doc.child("InitiateMultipartUploadResult").child_value("UploadId");
}

std::string S3CompleteMultipartXml(const std::vector<std::string>& etags) {
  pugi::xml_document doc;
  pugi::xml_node root = doc.append_child("CompleteMultipartUpload");
  for (size_t i = 0; i < etags.size(); ++i) {
    pugi::xml_node part = root.append_child("Part");
    part.append_child("PartNumber").text().set(std::to_string(i + 1).c_str());
    part.append_child("ETag").text().set(etags[i].c_str());
  }
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw | pugi::format_no_declaration);
  return out.str();
}

}  // namespace tributary
