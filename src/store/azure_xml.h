// The XML bodies of the Azure Blob API that the store reads and writes:
// listing pages, error bodies and the block list. pugixml; pure functions.
#pragma once

#include <string>
#include <vector>

#include "store/object_store.h"

namespace tributary {

struct AzureListPage {
  // Full blob names; directory placeholders of hierarchical-namespace
  // (ADLS Gen2) accounts are left out.
  std::vector<ObjectInfo> objects;
  std::string next_marker;  // "" on the last page
};

// A List Blobs (EnumerationResults) answer. Throws StoreError naming
// `where` when the body is not one.
AzureListPage ParseAzureListPage(const std::string& body, const std::string& where);

// The <Code> and <Message> of an Azure <Error> body ("" when absent).
std::pair<std::string, std::string> ParseAzureError(const std::string& body);

// <BlockList> committing these block ids, in order.
std::string AzureBlockListXml(const std::vector<std::string>& block_ids);

}  // namespace tributary
