#include "sim_channel_client/control_endpoints.hpp"

#include <Poco/String.h>

#include <algorithm>

namespace vergegrid::sim_channel {

namespace {

std::string_view trimmed(std::string_view text) {
    const auto begin = text.find_first_not_of(" \t");
    if (begin == std::string_view::npos) {
        return {};
    }
    return text.substr(begin, text.find_last_not_of(" \t") - begin + 1);
}

// Host names are case-insensitive: "https://GRID:9800" repeats "https://grid:9800".
std::string identity_of(const ChannelEndpoint& endpoint) {
    return Poco::toLower(endpoint.url());
}

void refuse_repeats(const std::vector<ChannelEndpoint>& endpoints) {
    for (std::size_t i = 0; i < endpoints.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (identity_of(endpoints[i]) == identity_of(endpoints[j])) {
                throw ChannelConfigError("entry " + std::to_string(i + 1) + " (" +
                                         endpoints[i].url() + ") repeats entry " +
                                         std::to_string(j + 1));
            }
        }
    }
}

}  // namespace

std::vector<ChannelEndpoint> parse_endpoint_list(std::string_view text) {
    std::vector<ChannelEndpoint> endpoints;
    std::size_t position = 0;
    for (;;) {
        const auto comma = text.find(',');
        const auto entry = trimmed(text.substr(0, comma));
        ++position;
        if (entry.empty()) {
            throw ChannelConfigError("entry " + std::to_string(position) +
                                     " is empty (a comma-separated list of URLs)");
        }
        try {
            endpoints.push_back(ChannelEndpoint::parse(entry));
        } catch (const ChannelConfigError& e) {
            throw ChannelConfigError("entry " + std::to_string(position) + ": " + e.what());
        }
        if (comma == std::string_view::npos) {
            break;
        }
        text.remove_prefix(comma + 1);
    }
    refuse_repeats(endpoints);
    return endpoints;
}

ControlEndpoints::ControlEndpoints(std::vector<ChannelEndpoint> endpoints)
    : endpoints_(std::move(endpoints)) {
    if (endpoints_.empty()) {
        throw ChannelConfigError("no control plane URL");
    }
    refuse_repeats(endpoints_);
}

bool ControlEndpoints::move_past(std::size_t failed) {
    auto expected = failed;
    return current_.compare_exchange_strong(expected, (failed + 1) % endpoints_.size());
}

bool worth_another_url(const ChannelError& error) {
    switch (error.kind()) {
        case ChannelError::Kind::connect:
        case ChannelError::Kind::timeout:
        case ChannelError::Kind::certificate:
        case ChannelError::Kind::tls:
        case ChannelError::Kind::transport:
            return true;
        case ChannelError::Kind::protocol:
            return false;
    }
    return false;
}

bool worth_another_url(int http_status) {
    return http_status == 502 || http_status == 503 || http_status == 504;
}

}  // namespace vergegrid::sim_channel
