// Every request of the bridge to the control plane, sent to the URL in use of a list
// (ControlEndpoints) and, when that URL fails in a way the next may not, to the next ones: each
// URL at most once per request, the last failure going back to the caller, whose own back-off
// applies. The URL that answered stays in use for the following requests.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "sim_channel_client/channel_client.hpp"
#include "sim_channel_client/control_endpoints.hpp"

namespace vergegrid::sim_channel {

// Called once per switch, on the thread that saw the failure: the URLs left and taken, and why.
using UrlSwitchListener =
    std::function<void(const std::string& from, const std::string& to, const std::string& why)>;

class FailoverClient final : public ChannelRequester {
  public:
    // One ChannelClient per endpoint with `settings` (its `endpoint` replaced): the transport
    // policy and the CA file apply to every entry. Throws what ChannelClient throws for any entry,
    // or ChannelConfigError for an empty or repeating list.
    FailoverClient(std::vector<ChannelEndpoint> endpoints, const ChannelClientSettings& settings,
                   UrlSwitchListener on_switch = {});

    // A response with a status other than 502/503/504, or a ChannelError that says nothing of the
    // URL (worth_another_url), comes back as it came. A download whose body has begun reaching
    // its sink is not sent again (the sink has taken bytes): the URL in use moves on and the
    // error goes back to the caller, who resumes.
    ChannelResponse request(const ChannelRequest& request) const override;

    const ControlEndpoints& endpoints() const { return endpoints_; }
    // The URL in use ("http://127.0.0.1:9800").
    std::string current_url() const { return endpoints_.at(endpoints_.current()).url(); }

  private:
    void move_past(std::size_t failed, const std::string& why) const;

    mutable ControlEndpoints endpoints_;
    std::vector<std::unique_ptr<ChannelClient>> clients_;  // one per endpoint, same order
    UrlSwitchListener on_switch_;
};

}  // namespace vergegrid::sim_channel
