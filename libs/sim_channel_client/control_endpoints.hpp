// The control-plane URLs a bridge knows (control.url as a list: several replicas, behind a load
// balancer or not) and the one it uses now. The bridge sticks to a URL that answers, so a long
// poll keeps its replica; a failure another replica may not share moves it to the next in the list.
#pragma once

#include <atomic>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "sim_channel_client/channel_client.hpp"
#include "sim_channel_client/channel_endpoint.hpp"

namespace vergegrid::sim_channel {

// "URL[,URL...]", spaces around each entry ignored. An empty entry, an entry that
// ChannelEndpoint::parse refuses or one that repeats another (same scheme, host and port) throws
// ChannelConfigError naming the entry and its position.
std::vector<ChannelEndpoint> parse_endpoint_list(std::string_view text);

class ControlEndpoints {
  public:
    // Throws ChannelConfigError for an empty list or a repeated entry.
    explicit ControlEndpoints(std::vector<ChannelEndpoint> endpoints);

    std::size_t size() const { return endpoints_.size(); }
    const ChannelEndpoint& at(std::size_t index) const { return endpoints_.at(index); }
    const std::vector<ChannelEndpoint>& all() const { return endpoints_; }

    // The index of the URL in use: the first until a failure moves it. Thread-safe.
    std::size_t current() const { return current_.load(); }

    // A request to the URL at `failed` failed in a way the next replica may not (see
    // worth_another_url). Moves to the entry after it, wrapping, unless another thread has already
    // moved away from `failed`: then nothing moves, so one failure seen by several threads is one
    // switch. Returns true when this call moved.
    bool move_past(std::size_t failed);

  private:
    std::vector<ChannelEndpoint> endpoints_;
    std::atomic<std::size_t> current_{0};
};

// Failures that say nothing of the control plane's answer, only of that URL: no connection
// (refused, no route, name not resolved), a timeout, a TLS handshake that failed or a certificate
// refused, a connection broken during the exchange. An answer that is not HTTP (protocol) is not
// one.
bool worth_another_url(const ChannelError& error);
// 502, 503, 504: a proxy without a backend, a replica that cannot serve. Any other status is the
// control plane's answer (a 4xx is not a reason to ask another replica the same thing).
bool worth_another_url(int http_status);

}  // namespace vergegrid::sim_channel
