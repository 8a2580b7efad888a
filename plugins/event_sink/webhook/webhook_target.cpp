#include "webhook_target.hpp"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <nlohmann/json.hpp>

#include "strict_json/strict_json.hpp"
#include "vergegrid/plugin_api/event_sink.hpp"

namespace vergegrid::event_sink {

namespace {

using plugin_api::TargetError;

// Spaces and control characters would end the request line or a header early.
bool has_space_or_control(const std::string& text) {
    for (const unsigned char c : text) {
        if (c <= 0x20 || c == 0x7f) {
            return true;
        }
    }
    return false;
}

void check_url(const std::string& url, bool allow_http, WebhookTarget& target) {
    if (url.empty()) {
        throw TargetError("url", "url is required");
    }
    if (url.size() > kMaxUrlBytes) {
        throw TargetError("url", "url is longer than " + std::to_string(kMaxUrlBytes) + " bytes");
    }
    if (has_space_or_control(url)) {
        throw TargetError("url", "url must not contain spaces or control characters");
    }
    Poco::URI uri;
    try {
        uri = Poco::URI(url);
    } catch (const Poco::Exception& e) {
        throw TargetError("url", "url is not a valid URL: " + e.message());
    }
    const std::string scheme = uri.getScheme();
    if (scheme == "http") {
        if (!allow_http) {
            throw TargetError("url",
                              "url must be https:// (http:// needs allow_http = true in "
                              "[event_sink.webhook])");
        }
        target.https = false;
    } else if (scheme != "https") {
        throw TargetError("url", "url must be an https:// URL");
    }
    if (uri.getHost().empty()) {
        throw TargetError("url", "url must name a host");
    }
    if (!uri.getUserInfo().empty()) {
        throw TargetError("url", "url must not carry user credentials (sign with the secret)");
    }
    if (!uri.getFragment().empty()) {
        throw TargetError("url", "url must not have a fragment");
    }
    if (uri.getPort() == 0) {
        throw TargetError("url", "url has port 0");
    }
    target.host = uri.getHost();
    target.port = uri.getPort();
    target.path_and_query = uri.getPathAndQuery();
    if (target.path_and_query.empty() || target.path_and_query.front() != '/') {
        target.path_and_query.insert(0, "/");
    }
}

std::string string_field(const nlohmann::json& object, const char* name) {
    const auto it = object.find(name);
    if (it == object.end() || it->is_null()) {
        throw TargetError(name, std::string(name) + " is required");
    }
    if (!it->is_string()) {
        throw TargetError(name, std::string(name) + " must be a string");
    }
    return it->get<std::string>();
}

}  // namespace

WebhookTarget parse_webhook_target(const std::string& json_text, bool allow_http) {
    nlohmann::json object;
    try {
        object = strict_json::parse(json_text);
    } catch (const strict_json::Refused& e) {
        throw TargetError("target", std::string("the target is not JSON: ") + e.what());
    }
    if (!object.is_object()) {
        throw TargetError("target", "the target must be a JSON object with url and secret");
    }
    WebhookTarget target;
    target.url = string_field(object, "url");
    check_url(target.url, allow_http, target);
    target.secret = string_field(object, "secret");
    if (target.secret.size() < kMinSecretBytes || target.secret.size() > kMaxSecretBytes) {
        throw TargetError("secret", "secret must be " + std::to_string(kMinSecretBytes) + " to " +
                                        std::to_string(kMaxSecretBytes) + " bytes long");
    }
    return target;
}

std::string webhook_target_json(const WebhookTarget& target) {
    return nlohmann::json{{"url", target.url}, {"secret", target.secret}}.dump();
}

}  // namespace vergegrid::event_sink
