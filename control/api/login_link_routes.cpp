#include "control/api/login_link_routes.hpp"

#include "control/api/request_actor.hpp"
#include "control/api/route_permission.hpp"
#include "control/api/session_routes.hpp"
#include "control/common/json_reader.hpp"

namespace vergegrid::control {

using kernel::http::ApiError;
using kernel::http::Request;
using kernel::http::Response;

namespace {

std::string read_secret(const Request& request) {
    const auto body = request.json_body();
    JsonReader reader(body, "");
    auto secret = reader.string("secret", 256).value_or("");
    reader.reject_unknown();
    return secret;
}

Response link_answer(const LinkLoginResult& result, bool secure) {
    if (result.retry_after) {
        return too_many_attempts(*result.retry_after,
                                 "too many failed login links from this address", "secret");
    }
    if (!result.accepted()) {
        return Response::error(
            ApiError(401, "login_link_invalid",
                     "this login link is unknown, used or expired; ask for a new one with "
                     "'vergegrid-control admin login-link'",
                     "secret"));
    }
    return session_opened({{"user", result.user},
                           {"expires_at", result.session->record.expires_at},
                           {"method", "login_link"}},
                          *result.session, result.max_age_s, secure);
}

}  // namespace

void add_login_link_routes(kernel::http::Router& router,
                           std::shared_ptr<const LoginLinkService> links, bool secure_cookie) {
    router.add("POST", "/api/v1/auth/login-link", Permission::anyone,
               [links, secure_cookie](const Request& request) {
                   const auto result = links->exchange(request_actor(request), read_secret(request),
                                                       request.client_address);
                   return link_answer(result, secure_cookie);
               });
}

}  // namespace vergegrid::control
