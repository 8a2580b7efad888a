#include "cli/context.hpp"

namespace vergegrid::cli {

Api& Context::api() {
    if (!api_) {
        const Settings settings = resolve_settings(options.connection, env_);
        http_ = std::make_unique<HttpClient>(parse_server_url(settings.server), settings.token,
                                             std::chrono::seconds(options.timeout_seconds));
        api_ = std::make_unique<Api>(*http_);
    }
    return *api_;
}

}  // namespace vergegrid::cli
