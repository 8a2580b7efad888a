#include "sim_channel_client/failover_client.hpp"

namespace vergegrid::sim_channel {

FailoverClient::FailoverClient(std::vector<ChannelEndpoint> endpoints,
                               const ChannelClientSettings& settings, UrlSwitchListener on_switch)
    : endpoints_(std::move(endpoints)), on_switch_(std::move(on_switch)) {
    for (const auto& endpoint : endpoints_.all()) {
        auto one = settings;
        one.endpoint = endpoint;
        clients_.push_back(std::make_unique<ChannelClient>(std::move(one)));
    }
}

void FailoverClient::move_past(std::size_t failed, const std::string& why) const {
    if (endpoints_.move_past(failed) && on_switch_) {
        on_switch_(endpoints_.at(failed).url(),
                   endpoints_.at((failed + 1) % endpoints_.size()).url(), why);
    }
}

ChannelResponse FailoverClient::request(const ChannelRequest& request) const {
    ChannelRequest attempt = request;
    bool streamed = false;
    if (request.body_sink) {
        attempt.body_sink = [&streamed, &sink = request.body_sink](const ChannelResponse& head,
                                                                   std::string_view piece) {
            streamed = true;
            sink(head, piece);
        };
    }
    auto index = endpoints_.current();
    for (std::size_t tried = 1;; ++tried) {
        // The last URL of this request keeps its place when it fails too: the caller backs off
        // and its next request starts there.
        const bool last = tried >= endpoints_.size();
        try {
            auto response = clients_[index]->request(attempt);
            if (last || !worth_another_url(response.status)) {
                return response;
            }
            move_past(index, "HTTP " + std::to_string(response.status));
        } catch (const ChannelError& e) {
            if (!worth_another_url(e)) {
                throw;
            }
            if (streamed) {
                move_past(index, e.what());
                throw;
            }
            if (last) {
                throw;
            }
            move_past(index, e.what());
        }
        index = endpoints_.current();
    }
}

}  // namespace vergegrid::sim_channel
