#include "kernel/http/router.hpp"

#include <algorithm>
#include <stdexcept>

#include "kernel/http/api_error.hpp"
#include "kernel/http/url_encoding.hpp"

namespace vergegrid::kernel::http {

namespace {

// "/a/b/" → {"a", "b", ""}: a trailing slash is a segment of its own, so /a/ is not /a.
std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> segments;
    path.remove_prefix(1);
    while (true) {
        const auto slash = path.find('/');
        segments.push_back(path.substr(0, slash));
        if (slash == std::string_view::npos) {
            return segments;
        }
        path.remove_prefix(slash + 1);
    }
}

bool is_method_name(std::string_view method) {
    return !method.empty() && std::all_of(method.begin(), method.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_';
    });
}

}  // namespace

std::string RouteMatch::allow_header() const {
    std::string header;
    for (const auto& method : allowed_methods) {
        if (!header.empty()) {
            header += ", ";
        }
        header += method;
    }
    return header;
}

void Router::add(std::string method, std::string pattern, Permission permission, Handler handler,
                 std::optional<std::size_t> max_body_bytes) {
    if (!is_method_name(method)) {
        throw std::invalid_argument("route " + pattern + ": invalid method '" + method + "'");
    }
    if (pattern.empty() || pattern.front() != '/') {
        throw std::invalid_argument("route pattern '" + pattern + "' must start with '/'");
    }
    if (!handler) {
        throw std::invalid_argument("route " + method + " " + pattern + " has no handler");
    }
    Route route{std::move(method), std::move(pattern), {},
                permission,        std::move(handler), max_body_bytes};
    for (const auto part : split_path(route.pattern)) {
        const bool opens = part.find('{') != std::string_view::npos;
        const bool closes = part.find('}') != std::string_view::npos;
        if (!opens && !closes) {
            route.segments.push_back({std::string(part), false});
            continue;
        }
        const auto name = part.size() > 2 ? part.substr(1, part.size() - 2) : std::string_view();
        if (part.front() != '{' || part.back() != '}' || name.empty() ||
            name.find_first_of("{}") != std::string_view::npos) {
            throw std::invalid_argument("route pattern '" + route.pattern +
                                        "': a parameter segment must be exactly {name}");
        }
        for (const auto& existing : route.segments) {
            if (existing.is_param && existing.text == name) {
                throw std::invalid_argument("route pattern '" + route.pattern +
                                            "' repeats the parameter {" + std::string(name) + "}");
            }
        }
        route.segments.push_back({std::string(name), true});
    }
    for (const auto& other : routes_) {
        const bool same_shape =
            std::equal(other.segments.begin(), other.segments.end(), route.segments.begin(),
                       route.segments.end(), [](const Segment& a, const Segment& b) {
                           return a.is_param == b.is_param && (a.is_param || a.text == b.text);
                       });
        if (other.method == route.method && same_shape) {
            throw std::logic_error("route " + route.method + " " + route.pattern +
                                   " conflicts with " + other.method + " " + other.pattern);
        }
    }
    routes_.push_back(std::move(route));
}

RouteMatch Router::match(std::string_view method, std::string_view path) const {
    RouteMatch result;
    if (path.empty() || path.front() != '/') {
        return result;
    }
    const auto segments = split_path(path);

    const Route* best = nullptr;
    // Lexicographic over segments: true (literal) sorts above false (parameter).
    std::vector<bool> best_rank;
    std::vector<bool> rank;
    for (const auto& route : routes_) {
        if (route.segments.size() != segments.size()) {
            continue;
        }
        rank.clear();
        bool fits = true;
        for (std::size_t i = 0; i < segments.size() && fits; ++i) {
            const auto& segment = route.segments[i];
            fits = segment.is_param ? !segments[i].empty() : segment.text == segments[i];
            rank.push_back(!segment.is_param);
        }
        if (!fits) {
            continue;
        }
        if (route.method != method) {
            result.allowed_methods.push_back(route.method);
            continue;
        }
        if (best == nullptr || rank > best_rank) {
            best = &route;
            best_rank = rank;
        }
    }

    if (best == nullptr) {
        std::sort(result.allowed_methods.begin(), result.allowed_methods.end());
        result.allowed_methods.erase(
            std::unique(result.allowed_methods.begin(), result.allowed_methods.end()),
            result.allowed_methods.end());
        result.outcome = result.allowed_methods.empty() ? MatchOutcome::no_route
                                                        : MatchOutcome::method_not_allowed;
        return result;
    }

    result.allowed_methods.clear();
    for (std::size_t i = 0; i < segments.size(); ++i) {
        const auto& segment = best->segments[i];
        if (!segment.is_param) {
            continue;
        }
        auto value = percent_decode(segments[i], false);
        if (!value) {
            throw ApiError(400, "invalid_path", "malformed percent-encoding in the path",
                           segment.text);
        }
        result.params.emplace(segment.text, std::move(*value));
    }
    result.outcome = MatchOutcome::matched;
    result.handler = &best->handler;
    result.permission = best->permission;
    result.pattern = best->pattern;
    result.max_body_bytes = best->max_body_bytes;
    return result;
}

void Router::authorize(const Permission& needed, const Caller& caller) const {
    if (needed.is_anyone()) {
        return;
    }
    if (caller.role == Caller{}.role) {
        throw ApiError(401, "unauthenticated",
                       "this route needs credentials (a bearer token or a session)");
    }
    if (!authorizer_ || !authorizer_(needed, caller)) {
        throw ApiError(403, "forbidden",
                       "a " + caller.role + " may not do this (needs " + needed.name() + ")");
    }
}

std::vector<Router::RouteInfo> Router::routes() const {
    std::vector<RouteInfo> infos;
    for (const auto& route : routes_) {
        infos.push_back({route.method, route.pattern, route.permission, route.max_body_bytes});
    }
    return infos;
}

}  // namespace vergegrid::kernel::http
