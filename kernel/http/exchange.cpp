#include "kernel/http/exchange.hpp"

#include <Poco/String.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <optional>

#include "kernel/http/api_error.hpp"
#include "kernel/http/body_reader.hpp"
#include "kernel/http/connection_lost.hpp"
#include "kernel/http/request_id.hpp"
#include "kernel/http/response_writer.hpp"
#include "kernel/http/url_encoding.hpp"

namespace vergegrid::kernel::http {

namespace {

using Clock = std::chrono::steady_clock;

double milliseconds_since(Clock::time_point started) {
    return std::chrono::duration<double, std::milli>(Clock::now() - started).count();
}

// The request head's size on the wire: request line, header lines, blank line.
std::size_t head_size(const Poco::Net::HTTPServerRequest& in) {
    std::size_t size = in.getMethod().size() + in.getURI().size() + in.getVersion().size() + 4;
    for (const auto& [name, value] : in) {
        size += name.size() + value.size() + 4;
    }
    return size + 2;
}

std::map<std::string, std::string> lower_case_headers(const Poco::Net::HTTPServerRequest& in) {
    std::map<std::string, std::string> headers;
    for (const auto& [name, value] : in) {
        auto [it, inserted] = headers.try_emplace(Poco::toLower(name), value);
        if (!inserted) {
            // Repeated fields mean the same as one comma-separated field (RFC 9110 5.3).
            it->second += ", ";
            it->second += value;
        }
    }
    return headers;
}

// Origin-form "/p?q" is the norm; absolute-form "http://host/p?q" is legal too.
void split_target(const std::string& target, std::string& path, std::string_view& query) {
    std::string_view rest(target);
    if (!rest.empty() && rest.front() != '/') {
        const auto scheme_end = rest.find("://");
        if (scheme_end != std::string_view::npos) {
            const auto slash = rest.find('/', scheme_end + 3);
            rest = slash == std::string_view::npos ? std::string_view("/") : rest.substr(slash);
        }
    }
    const auto question = rest.find('?');
    path = std::string(rest.substr(0, question));
    query = question == std::string_view::npos ? std::string_view() : rest.substr(question + 1);
}

// Over TLS, tells browsers to use HTTPS only for this host for a year, so that a later plain
// http:// link or a network attacker cannot downgrade them (RFC 6797). Sent on every answer.
void add_transport_headers(const ServerContext& context, Poco::Net::HTTPServerResponse& out) {
    if (context.settings.tls) {
        out.set("Strict-Transport-Security", "max-age=31536000");
    }
}

Response internal_error() {
    return Response::error(ApiError(500, "internal", "internal server error"));
}

}  // namespace

ExchangeResult finish_exchange(ServerContext& context, Poco::Net::HTTPServerSession& session,
                               const PendingExchange& pending, const Response& response,
                               Poco::Net::HTTPServerResponseImpl& out);

ExchangeResult serve_exchange(ServerContext& context, Poco::Net::HTTPServerRequestImpl& in,
                              Poco::Net::HTTPServerResponseImpl& out, ParkableSession& session,
                              Clock::time_point started) {
    HttpMetrics::InFlight in_flight(context.metrics.in_flight_gauge());
    const auto& settings = context.settings;
    out.setVersion(in.getVersion());

    Request request;
    request.method = in.getMethod();
    request.request_id = choose_request_id(in.get("X-Request-Id", ""));
    request.client_address = in.clientAddress().host().toString();
    std::string route = std::string(kUnmatchedRoute);
    std::optional<BodyFraming> framing;
    bool body_read = false;
    Response response;
    try {
        if (head_size(in) > settings.max_header_bytes) {
            throw ApiError(
                431, "request_header_fields_too_large",
                "the request head exceeds " + std::to_string(settings.max_header_bytes) + " bytes");
        }
        framing = check_request_head(in);
        std::string_view query;
        split_target(in.getURI(), request.path, query);

        // The route is looked up now, so that a 413 is counted under its route, but acted on
        // only once the body is in: limits come before routing, and a 404 or 405 that consumed
        // the body leaves the connection usable.
        RouteMatch match;
        std::optional<ApiError> bad_path;
        try {
            match = context.router->match(request.method, request.path);
        } catch (const ApiError& e) {
            bad_path = e;
        }
        if (match.outcome == MatchOutcome::matched) {
            route = match.pattern;
        }

        // A route may take more than the server's limit (archive chunks): its caller is known
        // and admitted before the body is read, so a refused one costs a head, not megabytes
        // (the unread body then closes the connection).
        const std::size_t body_limit = match.outcome == MatchOutcome::matched
                                           ? match.max_body_bytes.value_or(settings.max_body_bytes)
                                           : settings.max_body_bytes;
        const bool caller_first = body_limit > settings.max_body_bytes;
        if (caller_first) {
            request.query = parse_query(query);
            request.headers = lower_case_headers(in);
            if (!match.permission.is_anyone()) {
                request.caller = context.router->authenticate(request);
            }
            context.router->authorize(match.permission, request.caller);
        }

        request.body = receive_body(in, out, session, *framing, body_limit);
        body_read = true;
        if (bad_path) {
            throw *bad_path;
        }
        if (!caller_first) {
            request.query = parse_query(query);
            request.headers = lower_case_headers(in);
        }

        switch (match.outcome) {
            case MatchOutcome::no_route:
                if (const auto* fallback = context.router->fallback();
                    fallback != nullptr && (request.method == Poco::Net::HTTPRequest::HTTP_GET ||
                                            request.method == Poco::Net::HTTPRequest::HTTP_HEAD)) {
                    route = std::string(kFallbackRoute);
                    response = (*fallback)(request);
                    break;
                }
                throw ApiError(404, "not_found",
                               "no route for " + request.method + " " + request.path);
            case MatchOutcome::method_not_allowed:
                response = Response::error(
                    ApiError(405, "method_not_allowed",
                             request.method + " is not allowed on " + request.path, "method"));
                response.headers.emplace_back("Allow", match.allow_header());
                break;
            case MatchOutcome::matched:
                request.route = std::move(match.pattern);
                request.path_params = std::move(match.params);
                if (!caller_first) {
                    if (!match.permission.is_anyone()) {
                        request.caller = context.router->authenticate(request);
                    }
                    context.router->authorize(match.permission, request.caller);
                }
                response = (*match.handler)(request);
                break;
        }
    } catch (const ApiError& e) {
        response = Response::error(e);
    } catch (const ConnectionLost&) {
        throw;
    } catch (const std::exception& e) {
        if (auto mapped = context.router->translate(e)) {
            response = Response::error(*mapped);
        } else {
            // The client gets a bare "internal"; the details stay here, tied to the request id.
            context.log->error("{} {} {}: request failed: {}", request.request_id, request.method,
                               route, e.what());
            response = internal_error();
        }
    } catch (...) {
        context.log->error("{} {} {}: request failed with a non-standard exception",
                           request.request_id, request.method, route);
        response = internal_error();
    }

    if (response.status < 100 || response.status > 599) {
        context.log->error("{} {} {}: handler returned invalid status {}", request.request_id,
                           request.method, route, response.status);
        response = internal_error();
    }

    // Unread body bytes would be parsed as the next request; unknown framing leaves no way to
    // find where the next request starts.
    PendingExchange pending;
    pending.unread_input = !framing || (!body_read && framing->has_body());
    pending.keep_alive_allowed = context.params->getKeepAlive() && in.getKeepAlive() &&
                                 session.canKeepAlive() && !pending.unread_input;
    pending.request_id = std::move(request.request_id);
    pending.method = std::move(request.method);
    pending.route = std::move(route);
    pending.path = std::move(request.path);
    pending.version = in.getVersion();
    pending.started = started;
    in_flight.finish();
    if (response.deferred) {
        // A long poll: parked by the caller, answered later by finish_exchange().
        ExchangeResult result;
        result.unread_input = pending.unread_input;
        result.deferred = std::move(response.deferred);
        result.pending = std::move(pending);
        return result;
    }
    return finish_exchange(context, session, pending, response, out);
}

ExchangeResult finish_exchange(ServerContext& context, Poco::Net::HTTPServerSession& session,
                               const PendingExchange& pending, const Response& response) {
    Poco::Net::HTTPServerResponseImpl out(session);
    out.setVersion(pending.version);
    return finish_exchange(context, session, pending, response, out);
}

ExchangeResult finish_exchange(ServerContext& context, Poco::Net::HTTPServerSession& session,
                               const PendingExchange& pending, const Response& response,
                               Poco::Net::HTTPServerResponseImpl& out) {
    const bool keep_alive = pending.keep_alive_allowed && !context.connections.draining();
    // Recorded before the response goes out, so a client that has its answer also finds it
    // counted (tests and scrape-after-request checks rely on that).
    context.metrics.record(pending.method, pending.route, response.status,
                           Clock::now() - pending.started);
    context.log->debug("{} {} {} {} {:.1f}ms", pending.request_id, pending.method, pending.path,
                       response.status, milliseconds_since(pending.started));
    add_transport_headers(context, out);
    try {
        write_response(out, response, pending.request_id, keep_alive,
                       pending.method != Poco::Net::HTTPRequest::HTTP_HEAD);
    } catch (const StreamAborted& e) {
        // The client was promised more bytes than it gets; the server's side is worth a line.
        context.log->error("{} {} {}: response aborted mid-body, connection closed: {}",
                           pending.request_id, pending.method, pending.route, e.what());
        throw;
    }
    session.setKeepAlive(keep_alive);
    return {keep_alive, pending.unread_input, nullptr, {}};
}

ExchangeResult serve_next_request(ServerContext& context, ParkableSession& session,
                                  const std::function<void()>& head_read) {
    const auto started = Clock::now();
    Poco::Net::HTTPServerResponseImpl out(session);
    std::unique_ptr<Poco::Net::HTTPServerRequestImpl> in;
    // Runs however the head read ends, exceptions included.
    struct HeadRead {
        const std::function<void()>& done;
        ~HeadRead() {
            if (done) {
                done();
            }
        }
    };
    try {
        const HeadRead notify{head_read};
        // Reads and parses the request head, within Poco's limits (100 fields, 8 KiB a value,
        // 16 KiB of URI).
        in = std::make_unique<Poco::Net::HTTPServerRequestImpl>(out, session, context.params.get());
    } catch (const Poco::Net::NoMessageException&) {
        return {};  // the client closed between requests
    } catch (const Poco::Net::MessageException& e) {
        reject_unparsable(context, session, e, started);
        return {false, true, nullptr, {}};
    } catch (const Poco::SyntaxException& e) {  // e.g. an unparsable Content-Length
        reject_unparsable(context, session, e, started);
        return {false, true, nullptr, {}};
    }
    return serve_exchange(context, *in, out, session, started);
}

namespace {

// Answers with `rejection` outside any parsed request; the connection closes after it.
void send_rejection(ServerContext& context, Poco::Net::HTTPServerSession& session,
                    const ApiError& rejection, const std::string& detail,
                    Clock::time_point started) {
    const std::string request_id = new_request_id();
    context.metrics.record("", kUnmatchedRoute, rejection.status(), Clock::now() - started);
    context.log->debug("{} unparsable request rejected with {}: {}", request_id, rejection.status(),
                       detail);
    // A fresh response object: the one Poco tied to the failed request points at a dead request.
    Poco::Net::HTTPServerResponseImpl out(session);
    out.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
    add_transport_headers(context, out);
    try {
        write_response(out, Response::error(rejection), request_id, false);
    } catch (const std::exception&) {
        // The client is gone; the metric and the log line already record the attempt.
    }
}

}  // namespace

void reject_unparsable(ServerContext& context, Poco::Net::HTTPServerSession& session,
                       const Poco::Exception& error, Clock::time_point started) {
    // Poco 1.11 says which limit was hit only in its message: "HTTP request URI invalid or too
    // long", "Field name too long", "Field value too long/no CRLF found", "Too many header
    // fields", ...
    const std::string& what = error.message();
    ApiError rejection(400, "bad_request", "malformed HTTP request");
    if (what.find("request URI") != std::string::npos) {
        rejection = ApiError(414, "uri_too_long", "the request target is too long");
    } else if (what.find("Field") != std::string::npos ||
               what.find("header fields") != std::string::npos) {
        rejection = ApiError(431, "request_header_fields_too_large",
                             "a request header field is too large or there are too many");
    }
    send_rejection(context, session, rejection, error.displayText(), started);
}

void reject_head_too_large(ServerContext& context, Poco::Net::HTTPServerSession& session,
                           bool target_too_long) {
    const auto limit = std::to_string(context.settings.max_header_bytes);
    send_rejection(context, session,
                   target_too_long ? ApiError(414, "uri_too_long", "the request target is too long")
                                   : ApiError(431, "request_header_fields_too_large",
                                              "the request head exceeds " + limit + " bytes"),
                   "a request head larger than max_header_bytes (" + limit + ")", Clock::now());
}

void reject_malformed_head(ServerContext& context, Poco::Net::HTTPServerSession& session) {
    send_rejection(context, session,
                   ApiError(400, "bad_request",
                            "the request line needs a method, a target and an HTTP version"),
                   "a request head Poco would read past its end", Clock::now());
}

void reject_tls_handshake(ServerContext& context, Poco::Net::HTTPServerSession& session) {
    send_rejection(context, session,
                   ApiError(400, "tls_on_plain_http_port",
                            "this port speaks plain HTTP but the client began a TLS handshake: "
                            "use http://, or give the server tls.cert_file and tls.key_file"),
                   "a TLS ClientHello on a plain HTTP port", Clock::now());
}

}  // namespace vergegrid::kernel::http
