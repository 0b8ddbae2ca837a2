// Azure Storage Shared Key signatures (the account key), as the Blob
// service checks them. Pure functions, thread-safe.
#pragma once

#include <string>

#include "clients/http/http_message.h"

namespace tributary {

// The string to sign for `request` of `account`: the verb, the standard
// headers in their fixed order, the x-ms-* headers sorted, and the
// canonicalized resource (/account + URL path + query parameters sorted).
// Content-Length is taken from the body the request will send.
std::string SharedKeyStringToSign(const HttpRequest& request, const std::string& account);

// Sets Authorization: SharedKey <account>:<signature>. `key` is the base64
// account key (a secret). Call after x-ms-date and every other header.
// Throws StoreError when the key is not base64 (the message omits it).
void SignSharedKey(HttpRequest& request, const std::string& account, const std::string& key);

}  // namespace tributary
