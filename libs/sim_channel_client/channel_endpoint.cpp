#include "sim_channel_client/channel_endpoint.hpp"

#include <Poco/Net/IPAddress.h>
#include <Poco/String.h>

#include <algorithm>
#include <charconv>

namespace vergegrid::sim_channel {

namespace {

ChannelConfigError bad_url(std::string_view url, const std::string& why) {
    return ChannelConfigError("control plane URL '" + std::string(url) + "' " + why);
}

bool is_dns_name(std::string_view host) {
    if (host.empty() || host.size() > 253 || host.front() == '.' || host.front() == '-') {
        return false;
    }
    for (const char c : host) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '-';
        if (!ok) {
            return false;
        }
    }
    return true;
}

}  // namespace

ChannelEndpoint ChannelEndpoint::parse(std::string_view url) {
    ChannelEndpoint endpoint;
    std::string_view rest = url;
    const auto separator = rest.find("://");
    if (separator == std::string_view::npos) {
        throw bad_url(url, "is not an http:// or https:// URL");
    }
    const std::string scheme = Poco::toLower(std::string(rest.substr(0, separator)));
    if (scheme == "https") {
        endpoint.scheme = Scheme::https;
        endpoint.port = 443;
    } else if (scheme == "http") {
        endpoint.scheme = Scheme::http;
        endpoint.port = 80;
    } else {
        throw bad_url(url, "has scheme '" + scheme + "'; only http and https are supported");
    }
    rest.remove_prefix(separator + 3);
    if (!rest.empty() && rest.back() == '/') {
        rest.remove_suffix(1);
    }
    if (rest.find_first_of("/?#") != std::string_view::npos) {
        throw bad_url(url, "has a path, query or fragment; give only scheme, host and port");
    }
    if (rest.find('@') != std::string_view::npos) {
        throw bad_url(url, "has user info; credentials do not belong in the URL");
    }

    std::string_view port_text;
    if (!rest.empty() && rest.front() == '[') {
        const auto close = rest.find(']');
        if (close == std::string_view::npos) {
            throw bad_url(url, "has an unclosed '[' around its IPv6 address");
        }
        endpoint.host = std::string(rest.substr(1, close - 1));
        Poco::Net::IPAddress address;
        if (!Poco::Net::IPAddress::tryParse(endpoint.host, address) ||
            address.family() != Poco::Net::IPAddress::IPv6) {
            throw bad_url(url, "has '" + endpoint.host + "' in brackets, not an IPv6 address");
        }
        rest.remove_prefix(close + 1);
        if (!rest.empty()) {
            if (rest.front() != ':') {
                throw bad_url(url, "has text after its IPv6 address");
            }
            port_text = rest.substr(1);
            if (port_text.empty()) {
                throw bad_url(url, "has an empty port");
            }
        }
    } else {
        if (std::count(rest.begin(), rest.end(), ':') > 1) {
            throw bad_url(url,
                          "has an IPv6 address without brackets (IPv6 goes in brackets: "
                          "https://[::1]:9800)");
        }
        const auto colon = rest.find(':');
        endpoint.host = std::string(rest.substr(0, colon));
        if (colon != std::string_view::npos) {
            port_text = rest.substr(colon + 1);
            if (port_text.empty()) {
                throw bad_url(url, "has an empty port");
            }
        }
        if (!is_dns_name(endpoint.host)) {
            throw bad_url(url, endpoint.host.empty() ? "has no host"
                                                     : "has '" + endpoint.host +
                                                           "', not a host name or IPv4 address "
                                                           "(IPv6 goes in brackets)");
        }
    }
    if (!port_text.empty()) {
        unsigned port = 0;
        const auto* end = port_text.data() + port_text.size();
        const auto [ptr, ec] = std::from_chars(port_text.data(), end, port);
        if (ec != std::errc{} || ptr != end || port == 0 || port > 65535) {
            throw bad_url(url, "has port '" + std::string(port_text) + "', not 1-65535");
        }
        endpoint.port = static_cast<std::uint16_t>(port);
    }
    return endpoint;
}

std::string ChannelEndpoint::url() const {
    const bool v6 = host.find(':') != std::string::npos;
    return std::string(is_https() ? "https" : "http") + "://" + (v6 ? "[" + host + "]" : host) +
           ":" + std::to_string(port);
}

bool ChannelEndpoint::is_loopback() const {
    if (Poco::icompare(host, "localhost") == 0) {
        return true;
    }
    Poco::Net::IPAddress address;
    if (!Poco::Net::IPAddress::tryParse(host, address)) {
        return false;
    }
    if (address.isLoopback()) {
        return true;
    }
    if (address.family() == Poco::Net::IPAddress::IPv6 && address.isIPv4Mapped()) {
        const auto* bytes = static_cast<const unsigned char*>(address.addr());
        return bytes[12] == 127;
    }
    return false;
}

void check_transport_policy(const ChannelEndpoint& endpoint, bool allow_insecure_http) {
    if (endpoint.is_https() || endpoint.is_loopback() || allow_insecure_http) {
        return;
    }
    throw InsecureChannelError(
        "refusing plain http to " + endpoint.url() +
        ": the channel would carry the simulator's API key and the region operations in clear "
        "text over the network. Use an https:// URL (the control plane's tls.cert_file and "
        "tls.key_file), or set allow_insecure_http if the network is trusted");
}

}  // namespace vergegrid::sim_channel
