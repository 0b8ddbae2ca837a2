#include "store/azure_xml.h"

#include <pugixml.hpp>
#include <sstream>

#include "store/store_time.h"

namespace tributary {

AzureListPage ParseAzureListPage(const std::string& body, const std::string& where) {
  pugi::xml_document doc;
  pugi::xml_node root;
  if (doc.load_string(body.c_str())) root = doc.child("EnumerationResults");
  if (!root) throw StoreError(where + ": the listing answer is not an EnumerationResults");
  AzureListPage page;
  for (pugi::xml_node blob : root.child("Blobs").children("Blob")) {
    pugi::xml_node properties = blob.child("Properties");
    if (std::string(properties.child_value("ResourceType")) == "directory") continue;
    ObjectInfo info;
    info.key = blob.child_value("Name");
    info.size = std::stoll(std::string("0") + properties.child_value("Content-Length"));
    info.modified_ms = ParseRfc1123Ms(properties.child_value("Last-Modified")).value_or(0);
    page.objects.push_back(std::move(info));
  }
  page.next_marker = root.child_value("NextMarker");
  return page;
}

std::pair<std::string, std::string> ParseAzureError(const std::string& body) {
  pugi::xml_document doc;
  if (!doc.load_string(body.c_str())) return {};
  pugi::xml_node error = doc.child("Error");
  std::string message = error.child_value("Message");
  message = message.substr(0, message.find_first_of("\r\n"));
  if (message.size() > 200) message = message.substr(0, 200) + "…";
  return {error.child_value("Code"), message};
}

std::string AzureBlockListXml(const std::vector<std::string>& block_ids) {
  pugi::xml_document doc;
  pugi::xml_node declaration = doc.append_child(pugi::node_declaration);
  declaration.append_attribute("version") = "1.0";
  declaration.append_attribute("encoding") = "utf-8";
  pugi::xml_node root = doc.append_child("BlockList");
  for (const std::string& id : block_ids) root.append_child("Latest").text().set(id.c_str());
  std::ostringstream out;
  doc.save(out, "", pugi::format_raw);
  return out.str();
}

}  // namespace tributary
