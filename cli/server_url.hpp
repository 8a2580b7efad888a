// The --server URL taken apart: http or https, host, port and an optional path prefix (for a
// control plane behind a reverse proxy). "host:port" without a scheme means http://host:port.
#pragma once

#include <cstdint>
#include <string>

namespace vergegrid::cli {

struct ServerUrl {
    std::string scheme;  // "http" or "https"
    std::string host;
    std::uint16_t port = 0;
    std::string base_path;  // "" or "/prefix", never a trailing '/'

    bool https() const { return scheme == "https"; }
    std::string to_string() const;
};

// Throws CliError(usage) naming what is wrong with the URL.
ServerUrl parse_server_url(const std::string& text);

}  // namespace vergegrid::cli
