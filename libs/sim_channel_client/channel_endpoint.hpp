// Where the sim bridge finds the control plane ("https://grid.example.org:9800"), and the rule
// that keeps its API key off the network in clear text.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace vergegrid::sim_channel {

// A channel setting that cannot work: an unparsable URL, a missing CA file. The message names
// the URL or the file.
class ChannelConfigError : public std::invalid_argument {
  public:
    using std::invalid_argument::invalid_argument;
};

// Plain http to a host other than this machine, not explicitly allowed.
class InsecureChannelError : public ChannelConfigError {
  public:
    using ChannelConfigError::ChannelConfigError;
};

enum class Scheme { http, https };

struct ChannelEndpoint {
    Scheme scheme = Scheme::https;
    std::string host;  // "grid.example.org", "10.0.0.5", "::1" (IPv6 without brackets)
    std::uint16_t port = 443;

    // Accepts "http://HOST[:PORT]" and "https://HOST[:PORT]", with an optional trailing "/";
    // HOST is a DNS name, an IPv4 address or a bracketed IPv6 address; the port defaults to 80
    // and 443. Anything else (user info, a path, a query, port 0) throws ChannelConfigError
    // naming the URL.
    static ChannelEndpoint parse(std::string_view url);

    // "https://[::1]:9800": always with the port, IPv6 in brackets.
    std::string url() const;
    bool is_https() const { return scheme == Scheme::https; }
    // localhost, 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104. No name is resolved.
    bool is_loopback() const;
};

// The transport rule of the channel: https anywhere; plain http only to the loopback host
// (a bridge beside the control plane) unless `allow_insecure_http` says otherwise. Throws
// InsecureChannelError naming the URL.
void check_transport_policy(const ChannelEndpoint& endpoint, bool allow_insecure_http);

}  // namespace vergegrid::sim_channel
