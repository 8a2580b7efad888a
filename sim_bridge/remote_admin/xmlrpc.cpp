#include "sim_bridge/remote_admin/xmlrpc.hpp"

#include <Poco/AutoPtr.h>
#include <Poco/DOM/DOMParser.h>
#include <Poco/DOM/Document.h>
#include <Poco/DOM/Element.h>
#include <Poco/DOM/NodeList.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/SAX/SAXException.h>
#include <Poco/URI.h>

#include <charconv>
#include <sstream>
#include <string_view>

#include "sim_bridge/remote_admin/bounded_http.hpp"

namespace vergegrid::bridge {

namespace {

using Poco::XML::Element;
using Poco::XML::Node;

std::string escape(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '<':
                out += "&lt;";
                break;
            case '>':
                out += "&gt;";
                break;
            case '&':
                out += "&amp;";
                break;
            default:
                out += c;
        }
    }
    return out;
}

void encode_value(const nlohmann::json& value, std::string& out) {
    out += "<value>";
    switch (value.type()) {
        case nlohmann::json::value_t::boolean:
            out += value.get<bool>() ? "<boolean>1</boolean>" : "<boolean>0</boolean>";
            break;
        case nlohmann::json::value_t::number_integer:
        case nlohmann::json::value_t::number_unsigned:
            out += "<int>" + std::to_string(value.get<long long>()) + "</int>";
            break;
        case nlohmann::json::value_t::number_float: {
            std::ostringstream text;
            text.precision(17);
            text << value.get<double>();
            out += "<double>" + text.str() + "</double>";
            break;
        }
        case nlohmann::json::value_t::string:
            out += "<string>" + escape(value.get<std::string>()) + "</string>";
            break;
        case nlohmann::json::value_t::object:
            out += "<struct>";
            for (const auto& [key, member] : value.items()) {
                out += "<member><name>" + escape(key) + "</name>";
                encode_value(member, out);
                out += "</member>";
            }
            out += "</struct>";
            break;
        case nlohmann::json::value_t::array:
            out += "<array><data>";
            for (const auto& item : value) {
                encode_value(item, out);
            }
            out += "</data></array>";
            break;
        default:
            throw std::invalid_argument("XML-RPC has no encoding for JSON " +
                                        std::string(value.type_name()));
    }
    out += "</value>";
}

[[noreturn]] void malformed(const std::string& why) {
    throw XmlRpcTransportError("malformed XML-RPC response: " + why, false);
}

std::vector<Element*> child_elements(const Node* node) {
    std::vector<Element*> out;
    for (Node* child = node->firstChild(); child != nullptr; child = child->nextSibling()) {
        if (child->nodeType() == Node::ELEMENT_NODE) {
            out.push_back(static_cast<Element*>(child));
        }
    }
    return out;
}

Element* only_child(const Node* node, const std::string& name) {
    auto children = child_elements(node);
    if (children.size() != 1 || children[0]->localName() != name) {
        malformed("expected one <" + name + "> in <" + node->localName() + ">");
    }
    return children[0];
}

long long to_integer(const std::string& text) {
    long long value = 0;
    const char* begin = text.data();
    const char* end = begin + text.size();
    if (begin != end && *begin == '+') {
        ++begin;
    }
    auto [ptr, ec] = std::from_chars(begin, end, value);
    if (ec != std::errc{} || ptr != end || begin == end) {
        malformed("'" + text + "' is not an integer");
    }
    return value;
}

nlohmann::json decode_value(const Element* value) {
    auto children = child_elements(value);
    if (children.empty()) {
        return value->innerText();  // no type element: a string
    }
    if (children.size() != 1) {
        malformed("a <value> holds more than one element");
    }
    const Element* typed = children[0];
    const std::string type = typed->localName();
    const std::string text = typed->innerText();
    if (type == "int" || type == "i4" || type == "i8") {
        return to_integer(text);
    }
    if (type == "boolean") {
        if (text != "0" && text != "1") {
            malformed("boolean '" + text + "'");
        }
        return text == "1";
    }
    if (type == "string" || type == "dateTime.iso8601" || type == "base64") {
        return text;
    }
    if (type == "double") {
        try {
            return std::stod(text);
        } catch (const std::exception&) {
            malformed("double '" + text + "'");
        }
    }
    if (type == "struct") {
        nlohmann::json object = nlohmann::json::object();
        for (const Element* member : child_elements(typed)) {
            if (member->localName() != "member") {
                malformed("<struct> holds <" + member->localName() + ">");
            }
            const Element* name = member->getChildElement("name");
            const Element* member_value = member->getChildElement("value");
            if (name == nullptr || member_value == nullptr) {
                malformed("<member> without <name> or <value>");
            }
            object[name->innerText()] = decode_value(member_value);
        }
        return object;
    }
    if (type == "array") {
        nlohmann::json array = nlohmann::json::array();
        const Element* data = only_child(typed, "data");
        for (const Element* item : child_elements(data)) {
            if (item->localName() != "value") {
                malformed("<data> holds <" + item->localName() + ">");
            }
            array.push_back(decode_value(item));
        }
        return array;
    }
    if (type == "nil") {
        return nullptr;
    }
    malformed("unknown type <" + type + ">");
}

bool starts(std::string_view text, std::size_t at, std::string_view prefix) {
    return text.substr(at, prefix.size()) == prefix;
}

// Refuses a document whose elements nest deeper than max_depth, or that carries a DTD. Without a
// DTD no entity can add markup, so for every document the parser would accept this count is
// exact: it follows tags, comments, CDATA sections and processing instructions as XML defines them.
void check_nesting(std::string_view xml, std::size_t max_depth) {
    std::size_t depth = 0;
    for (std::size_t at = xml.find('<'); at != std::string_view::npos; at = xml.find('<', at)) {
        auto skip_past = [&](std::string_view end, std::size_t from) {
            const auto found = xml.find(end, from);
            return found == std::string_view::npos ? xml.size() : found + end.size();
        };
        if (starts(xml, at, "<!--")) {
            at = skip_past("-->", at + 4);
        } else if (starts(xml, at, "<![CDATA[")) {
            at = skip_past("]]>", at + 9);
        } else if (starts(xml, at, "<?")) {
            at = skip_past("?>", at + 2);
        } else if (starts(xml, at, "<!")) {
            malformed("a document type declaration (no answer needs one)");
        } else if (starts(xml, at, "</")) {
            depth -= depth > 0 ? 1 : 0;
            at = skip_past(">", at + 2);
        } else {
            // A start tag ends at the first '>' outside its quoted attribute values.
            std::size_t end = at + 1;
            for (char quote = 0; end < xml.size(); ++end) {
                const char c = xml[end];
                if (quote != 0) {
                    quote = c == quote ? 0 : quote;
                } else if (c == '"' || c == '\'') {
                    quote = c;
                } else if (c == '>') {
                    break;
                }
            }
            if (depth + 1 > max_depth) {
                malformed("elements nested deeper than " + std::to_string(max_depth));
            }
            if (end < xml.size() && xml[end - 1] != '/') {
                ++depth;
            }
            at = end;
        }
    }
}

}  // namespace

std::string encode_call(const std::string& method, const nlohmann::json& params) {
    std::string out = "<?xml version=\"1.0\"?><methodCall><methodName>" + escape(method) +
                      "</methodName><params>";
    for (const auto& param : params) {
        out += "<param>";
        encode_value(param, out);
        out += "</param>";
    }
    out += "</params></methodCall>";
    return out;
}

nlohmann::json decode_response(std::string_view xml, const XmlRpcLimits& limits) {
    if (xml.size() > limits.max_response_bytes) {
        malformed("larger than " + std::to_string(limits.max_response_bytes) + " bytes");
    }
    // The nesting count reads bytes as ASCII: exact for UTF-8 and the single-byte encodings, not
    // for UTF-16/32, whose every ASCII character carries a NUL byte (XML allows none otherwise).
    if (xml.find('\0') != std::string_view::npos) {
        malformed("a NUL byte (only UTF-8 answers are read)");
    }
    // Before Poco builds its tree: the tree, its destruction and decode_value all recurse.
    check_nesting(xml, limits.max_depth);
    Poco::AutoPtr<Poco::XML::Document> document;
    try {
        Poco::XML::DOMParser parser;
        // A response never needs a DTD; refusing external entities keeps the parser local.
        parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_GENERAL_ENTITIES, false);
        parser.setFeature(Poco::XML::XMLReader::FEATURE_EXTERNAL_PARAMETER_ENTITIES, false);
        parser.setFeature(Poco::XML::DOMParser::FEATURE_FILTER_WHITESPACE, true);
        document = parser.parseMemory(xml.data(), xml.size());
    } catch (const Poco::Exception& e) {
        malformed(e.displayText());
    }
    const Element* root = document->documentElement();
    if (root == nullptr || root->localName() != "methodResponse") {
        malformed("no <methodResponse>");
    }
    const Element* body = child_elements(root).empty() ? nullptr : child_elements(root)[0];
    if (body != nullptr && body->localName() == "fault") {
        const auto fault = decode_value(only_child(body, "value"));
        if (!fault.is_object() || !fault.contains("faultCode") ||
            !fault["faultCode"].is_number_integer()) {
            malformed("<fault> without an integer faultCode");
        }
        throw XmlRpcFault(fault["faultCode"].get<int>(), fault.value("faultString", ""));
    }
    if (body == nullptr || body->localName() != "params") {
        malformed("neither <params> nor <fault>");
    }
    return decode_value(only_child(only_child(body, "param"), "value"));
}

XmlRpcEndpoint XmlRpcEndpoint::parse(const std::string& url) {
    try {
        const Poco::URI uri(url);
        if (uri.getScheme() != "http" || uri.getHost().empty() || !uri.getUserInfo().empty() ||
            !uri.getQuery().empty()) {
            throw std::invalid_argument("");
        }
        XmlRpcEndpoint endpoint;
        endpoint.host = uri.getHost();
        endpoint.port = uri.getPort();
        endpoint.path = uri.getPath().empty() ? "/" : uri.getPath();
        return endpoint;
    } catch (const std::exception&) {
        throw std::invalid_argument("'" + url +
                                    "' is not an http://HOST:PORT URL of a RemoteAdmin interface");
    }
}

nlohmann::json xmlrpc_call(const XmlRpcEndpoint& endpoint, const std::string& method,
                           const nlohmann::json& params, std::chrono::milliseconds timeout,
                           const XmlRpcLimits& limits) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    HttpAnswer answer;
    try {
        answer = post_within(
            {endpoint.host, endpoint.port, endpoint.path, "text/xml", encode_call(method, params)},
            deadline, limits.max_response_bytes);
    } catch (const XmlRpcTransportError& e) {
        if (e.timed_out()) {
            throw XmlRpcTransportError(
                method + ": no answer within " + std::to_string(timeout.count()) + " ms", true);
        }
        throw XmlRpcTransportError(method + ": " + e.what(), false);
    }
    if (answer.status != Poco::Net::HTTPResponse::HTTP_OK) {
        throw XmlRpcTransportError(method + ": HTTP " + std::to_string(answer.status), false);
    }
    return decode_response(answer.body, limits);
}

}  // namespace vergegrid::bridge
