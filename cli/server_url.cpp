#include "cli/server_url.hpp"

#include <Poco/Exception.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include "cli/exit_codes.hpp"

namespace vergegrid::cli {

std::string ServerUrl::to_string() const {
    const bool ipv6 = host.find(':') != std::string::npos;
    return scheme + "://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port) +
           base_path;
}

ServerUrl parse_server_url(const std::string& text) {
    const auto bad = [&](const std::string& why) {
        return CliError(ExitCode::usage, "server URL '" + text + "': " + why);
    };
    if (text.empty()) {
        throw bad("is empty");
    }
    const std::string with_scheme = text.find("://") == std::string::npos ? "http://" + text : text;
    Poco::URI uri;
    try {
        uri = Poco::URI(with_scheme);
    } catch (const Poco::Exception& e) {
        throw bad(e.displayText());
    }
    ServerUrl url;
    url.scheme = Poco::toLower(uri.getScheme());
    if (url.scheme != "http" && url.scheme != "https") {
        throw bad("the scheme must be http or https");
    }
    url.host = uri.getHost();
    if (url.host.empty()) {
        throw bad("names no host");
    }
    if (!uri.getUserInfo().empty()) {
        throw bad("must not carry user information; pass --token instead");
    }
    if (!uri.getRawQuery().empty() || !uri.getFragment().empty()) {
        throw bad("must not have a query or a fragment");
    }
    url.port = uri.getPort();
    if (url.port == 0) {
        throw bad("port 0 cannot be reached");
    }
    url.base_path = uri.getPath();
    while (!url.base_path.empty() && url.base_path.back() == '/') {
        url.base_path.pop_back();
    }
    return url;
}

}  // namespace vergegrid::cli
