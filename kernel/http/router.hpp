// Maps (method, path) to a handler. Patterns are literal segments and {name} parameters:
// "/api/v1/regions/{id}". A literal segment beats a parameter at the same position, so
// "/regions/new" wins over "/regions/{id}" for the path /regions/new.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kernel/http/api_error.hpp"
#include "kernel/http/handler.hpp"
#include "kernel/http/permission.hpp"

namespace vergegrid::kernel::http {

enum class MatchOutcome {
    matched,
    no_route,            // → 404 not_found
    method_not_allowed,  // the path has routes, none for this method → 405 with Allow
};

struct RouteMatch {
    MatchOutcome outcome = MatchOutcome::no_route;
    const Handler* handler = nullptr;            // when matched; owned by the router
    Permission permission = Permission::anyone;  // when matched
    std::string pattern;                         // when matched
    std::map<std::string, std::string> params;   // when matched; percent-decoded
    std::optional<std::size_t> max_body_bytes;   // when matched: the route's own body limit
    std::vector<std::string> allowed_methods;    // when method_not_allowed; sorted

    // "GET, POST"
    std::string allow_header() const;
};

class Router {
  public:
    // Throws std::invalid_argument for a malformed pattern (must start with '/'; a segment is
    // either literal or exactly "{name}") and std::logic_error when the method already has a
    // route of the same shape ("/a/{x}" and "/a/{y}" are the same shape).
    // `max_body_bytes` is the route's own request body limit (default: the server's
    // max_body_bytes). A route allowed more than the server's limit is authenticated and
    // authorized before its body is read: a refused caller is answered (401/403) and the
    // connection closed without reading the body.
    void add(std::string method, std::string pattern, Permission permission, Handler handler,
             std::optional<std::size_t> max_body_bytes = std::nullopt);

    // Tells who is calling, from the request's headers; without one every caller is anonymous.
    using Authenticator = std::function<Caller(const Request&)>;
    void set_authenticator(Authenticator authenticator) {
        authenticator_ = std::move(authenticator);
    }
    Caller authenticate(const Request& request) const {
        return authenticator_ ? authenticator_(request) : Caller{};
    }

    // Whether an authenticated caller meets a named permission (never asked about `anyone`, nor
    // for an anonymous caller). The program decides what its names mean; without an authorizer
    // every named permission is refused.
    using Authorizer = std::function<bool(const Permission&, const Caller&)>;
    void set_authorizer(Authorizer authorizer) { authorizer_ = std::move(authorizer); }
    // Throws ApiError 401 "unauthenticated" for an anonymous caller of a route that needs
    // credentials, 403 "forbidden" when the authorizer refuses the caller.
    void authorize(const Permission& needed, const Caller& caller) const;

    // Answers the GET and HEAD requests no route matches (the web console's files and its
    // client-side routes), without authentication; it may throw ApiError (404 for unknown
    // /api/ paths). Without one, those requests are 404s like any other.
    void set_fallback(Handler fallback) { fallback_ = std::move(fallback); }
    const Handler* fallback() const { return fallback_ ? &fallback_ : nullptr; }

    // Turns an exception of the application's own error type into the ApiError to answer with
    // (nullopt: not one of its errors, answered as a 500). The kernel knows only ApiError; the
    // program using it says, in this one place, how its errors map to HTTP.
    using ErrorTranslator = std::function<std::optional<ApiError>(const std::exception&)>;
    void set_error_translator(ErrorTranslator translator) { translator_ = std::move(translator); }
    std::optional<ApiError> translate(const std::exception& error) const {
        return translator_ ? translator_(error) : std::nullopt;
    }

    // Every route with its permission, for listings and the authorization tests.
    struct RouteInfo {
        std::string method;
        std::string pattern;
        Permission permission;
        std::optional<std::size_t> max_body_bytes;
    };
    std::vector<RouteInfo> routes() const;

    // `path` is the raw path, without the query string. Throws ApiError 400 "invalid_path" when
    // a parameter segment holds a malformed percent-escape.
    RouteMatch match(std::string_view method, std::string_view path) const;

  private:
    struct Segment {
        std::string text;  // the literal, or the parameter's name
        bool is_param = false;
    };
    struct Route {
        std::string method;
        std::string pattern;
        std::vector<Segment> segments;
        Permission permission;
        Handler handler;
        std::optional<std::size_t> max_body_bytes;
    };

    std::vector<Route> routes_;
    Authenticator authenticator_;
    Authorizer authorizer_;
    Handler fallback_;
    ErrorTranslator translator_;
};

}  // namespace vergegrid::kernel::http
