// The files of web_admin/www, embedded at build time (cmake/embed_web_assets.cmake): each as its
// URL path ("/js/main.js") and its bytes.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace vergegrid::web_admin {

const std::vector<std::pair<std::string, std::string>>& embedded_assets();

}  // namespace vergegrid::web_admin
