#include "cli/context.hpp"

namespace vergegrid::cli {

Api& Context::api() {
    if (!api_) {
        http_ = new_http_client();
        api_ = std::make_unique<Api>(*http_);
    }
    return *api_;
}

std::unique_ptr<HttpClient> Context::new_http_client() const {
    const Settings settings = resolve_settings(options.connection, env_);
    return std::make_unique<HttpClient>(parse_server_url(settings.server), settings.token,
                                        std::chrono::seconds(options.timeout_seconds));
}

}  // namespace vergegrid::cli
