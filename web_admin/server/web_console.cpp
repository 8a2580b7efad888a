#include "web_admin/server/web_console.hpp"

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "kernel/http/api_error.hpp"
#include "secrets/secrets.hpp"
#include "web_admin/server/embedded_assets.hpp"

namespace vergegrid::web_admin {

namespace {

using kernel::http::ApiError;
using kernel::http::Request;
using kernel::http::Response;

struct Asset {
    std::string content_type;
    std::string etag;
    const std::string* body = nullptr;
};

std::string_view extension(std::string_view path) {
    const auto slash = path.rfind('/');
    const auto dot = path.rfind('.');
    if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) {
        return {};
    }
    return path.substr(dot + 1);
}

std::string content_type_of(std::string_view path) {
    static const std::map<std::string_view, std::string_view> types{
        {"html", "text/html; charset=utf-8"},
        {"js", "text/javascript; charset=utf-8"},
        {"css", "text/css; charset=utf-8"},
        {"svg", "image/svg+xml"},
        {"png", "image/png"},
        {"ico", "image/x-icon"},
        {"json", "application/json"},
        {"txt", "text/plain; charset=utf-8"},
    };
    const auto found = types.find(extension(path));
    return std::string(found == types.end() ? "application/octet-stream" : found->second);
}

std::map<std::string, Asset, std::less<>> index_assets() {
    std::map<std::string, Asset, std::less<>> assets;
    for (const auto& [path, body] : embedded_assets()) {
        // Strong validator: the content's hash, so a rebuilt binary with new files never serves
        // a stale cached copy.
        assets.emplace(path, Asset{content_type_of(path),
                                   "\"" + secrets::sha256_hex(body).substr(0, 32) + "\"", &body});
    }
    return assets;
}

bool etag_matches(const std::string& if_none_match, const std::string& etag) {
    if (if_none_match == "*") {
        return true;
    }
    std::size_t pos = 0;
    while (pos < if_none_match.size()) {
        const auto end = std::min(if_none_match.find(',', pos), if_none_match.size());
        auto tag = if_none_match.substr(pos, end - pos);
        tag.erase(0, tag.find_first_not_of(' '));
        tag.erase(tag.find_last_not_of(' ') + 1);
        if (tag.rfind("W/", 0) == 0) {
            tag.erase(0, 2);
        }
        if (tag == etag) {
            return true;
        }
        pos = end + 1;
    }
    return false;
}

Response serve(const Asset& asset, const Request& request) {
    Response response;
    if (etag_matches(request.header("if-none-match"), asset.etag)) {
        response.status = 304;
        response.content_type.clear();
    } else {
        response.status = 200;
        response.content_type = asset.content_type;
        response.body = *asset.body;
    }
    response.headers.emplace_back("ETag", asset.etag);
    // Revalidate every time: the ETag makes that a cheap 304, and a new build shows at once.
    response.headers.emplace_back("Cache-Control", "no-cache");
    response.headers.emplace_back("X-Content-Type-Options", "nosniff");
    response.headers.emplace_back("Referrer-Policy", "same-origin");
    if (asset.content_type.rfind("text/html", 0) == 0) {
        // Everything comes from this origin; the console is never framed (clickjacking).
        response.headers.emplace_back("Content-Security-Policy",
                                      "default-src 'self'; img-src 'self' data:; "
                                      "style-src 'self'; frame-ancestors 'none'; "
                                      "base-uri 'none'; form-action 'self'");
        response.headers.emplace_back("X-Frame-Options", "DENY");
    }
    return response;
}

}  // namespace

void add_web_console(kernel::http::Router& router) {
    auto assets = std::make_shared<const std::map<std::string, Asset, std::less<>>>(index_assets());
    const auto index = assets->find("/index.html");
    if (index == assets->end()) {
        throw std::logic_error("the web console has no index.html");
    }
    router.set_fallback([assets, index_asset = index->second](const Request& request) {
        const std::string_view path = request.path;
        if (path == "/api" || path.rfind("/api/", 0) == 0) {
            throw ApiError(404, "not_found", "no route for " + request.method + " " + request.path);
        }
        if (const auto found = assets->find(path); found != assets->end()) {
            return serve(found->second, request);
        }
        // A missing file (it has an extension) is a real 404; anything else is a client route.
        if (!extension(path).empty()) {
            throw ApiError(404, "not_found", "no file " + request.path);
        }
        return serve(index_asset, request);
    });
}

}  // namespace vergegrid::web_admin
