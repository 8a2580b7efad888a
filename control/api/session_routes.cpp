#include "control/api/session_routes.hpp"

#include "control/api/authenticator.hpp"
#include "control/api/request_actor.hpp"
#include "control/api/route_permission.hpp"
#include "control/common/json_reader.hpp"

namespace vergegrid::control {

using kernel::http::ApiError;
using kernel::http::Request;
using kernel::http::Response;

namespace {

LoginAttempt read_login(const Request& request) {
    const auto body = request.json_body();
    JsonReader reader(body, "");
    LoginAttempt attempt;
    attempt.username = reader.string("username", 64).value_or("");
    attempt.password = reader.string("password", 1024).value_or("");
    reader.reject_unknown();
    attempt.address = request.client_address;
    return attempt;
}

Response login_answer(const LoginResult& result, const std::string& username, bool secure) {
    if (result.retry_after) {
        return too_many_attempts(*result.retry_after,
                                 "too many failed logins for this user name or from this address",
                                 "username");
    }
    if (!result.accepted()) {
        return Response::error(ApiError(401, "login_failed", "wrong user name or password"));
    }
    return session_opened({{"user", username}, {"expires_at", result.session->record.expires_at}},
                          *result.session, result.max_age_s, secure);
}

}  // namespace

Response session_opened(nlohmann::json body, const plugin_api::IssuedToken& session, long max_age_s,
                        bool secure) {
    auto answer = Response::secret_json(200, std::move(body));
    answer.headers.emplace_back("Set-Cookie", session_cookie(session.token, max_age_s, secure));
    return answer;
}

Response too_many_attempts(std::chrono::seconds wait, const std::string& refused,
                           const std::string& field) {
    const auto seconds = std::to_string(wait.count());
    auto response = Response::error(
        ApiError(429, "too_many_attempts", refused + "; retry in " + seconds + " s", field));
    response.headers.emplace_back("Retry-After", seconds);
    return response;
}

std::string session_cookie(const std::string& token, long max_age_s, bool secure) {
    return std::string(kSessionCookie) + "=" + token +
           "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age_s) +
           (secure ? "; Secure" : "");
}

void add_session_routes(kernel::http::Router& router,
                        std::shared_ptr<const SessionService> sessions, bool secure_cookie) {
    router.add("POST", "/api/v1/auth/login", Permission::anyone,
               [sessions, secure_cookie](const Request& request) {
                   const auto attempt = read_login(request);
                   const auto result = sessions->login(request_actor(request), attempt);
                   return login_answer(result, attempt.username, secure_cookie);
               });

    router.add("POST", "/api/v1/auth/logout", Permission::read,
               [sessions, secure_cookie](const Request& request) {
                   sessions->logout(cookie_value(request.header("cookie"), kSessionCookie));
                   auto response = Response::json(200, {{"logged_out", true}});
                   response.headers.emplace_back("Set-Cookie",
                                                 session_cookie("", 0, secure_cookie));
                   return response;
               });

    router.add("GET", "/api/v1/auth/whoami", Permission::read, [](const Request& request) {
        return Response::json(200,
                              {{"subject", request.caller.subject}, {"role", request.caller.role}});
    });
}

}  // namespace vergegrid::control
