// The hashing and encoding the object-store signatures are built from
// (AWS SigV4, Azure Shared Key), on OpenSSL. Pure functions, thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace tributary {

// Raw 32-byte SHA-256 digest of `data`.
std::string Sha256(std::string_view data);

// Lower-case hex of `bytes` ("0a1b…").
std::string HexEncode(std::string_view bytes);

// Raw 32-byte HMAC-SHA256 of `data` under `key`.
std::string HmacSha256(std::string_view key, std::string_view data);

// Standard base64 with padding (RFC 4648 §4).
std::string Base64Encode(std::string_view bytes);

// Decodes standard base64; throws Error on text that is not base64 (the
// message never repeats the text: it may be a key).
std::string Base64Decode(std::string_view text);

}  // namespace tributary
