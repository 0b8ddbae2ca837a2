// The status page's files (src/serve/assets/), built into the binary: a
// CMake step (cmake/EmbedAssets.cmake) writes their bytes into a generated
// .cc at build time, so the page needs no files at run time and no path from
// a request ever reaches the file system.
#pragma once

#include <string_view>
#include <vector>

namespace tributary {

struct EmbeddedAsset {
  std::string_view path;          // as requested: "/", "/app.js", "/style.css"
  std::string_view content_type;  // with charset
  std::string_view body;
};

// Every asset; the page is "/".
const std::vector<EmbeddedAsset>& EmbeddedAssets();

}  // namespace tributary
