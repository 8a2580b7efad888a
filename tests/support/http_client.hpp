// Minimal blocking HTTP calls against 127.0.0.1 for tests.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace vergegrid::test {

struct HttpResult {
    int status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  // lower-case names
};

HttpResult http_request(std::uint16_t port, const std::string& method, const std::string& path,
                        const std::string& body = {},
                        const std::map<std::string, std::string>& headers = {});

inline HttpResult http_get(std::uint16_t port, const std::string& path) {
    return http_request(port, "GET", path);
}

}  // namespace vergegrid::test
