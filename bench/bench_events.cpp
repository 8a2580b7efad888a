#include "bench_events.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>
#include <iomanip>
#include <sstream>
#include <stdexcept>
#include <unordered_map>

#include "bench_load.hpp"

namespace vergegrid::bench {

namespace {

class Handler : public Poco::Net::HTTPRequestHandler {
  public:
    explicit Handler(WebhookReceiver& receiver) : receiver_(receiver) {}

    void handleRequest(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) override {
        std::string body;
        Poco::StreamCopier::copyToString(request.stream(), body);
        Arrival arrival{std::chrono::steady_clock::now(), {}, {}};
        const auto event = nlohmann::json::parse(body, nullptr, false);
        if (event.is_object()) {
            arrival.type = event.value("type", "");
            arrival.subject = event.value("subject", "");
        }
        receiver_.record(std::move(arrival));
        receiver_.wait_delay();
        response.setStatus(Poco::Net::HTTPResponse::HTTP_NO_CONTENT);
        response.setContentLength(0);
        response.send();
    }

  private:
    WebhookReceiver& receiver_;
};

class Factory : public Poco::Net::HTTPRequestHandlerFactory {
  public:
    explicit Factory(WebhookReceiver& receiver) : receiver_(receiver) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest&) override {
        return new Handler(receiver_);
    }

  private:
    WebhookReceiver& receiver_;
};

double ms_between(SteadyTime from, SteadyTime to) {
    return std::chrono::duration<double, std::milli>(to - from).count();
}

double round2(double v) {
    return std::round(v * 100.0) / 100.0;
}

}  // namespace

WebhookReceiver::WebhookReceiver(std::chrono::milliseconds delay)
    : delay_(delay), threads_(std::make_unique<Poco::ThreadPool>(2, 8)) {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0), 64);
    port_ = socket.address().port();
    auto params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(8);
    params->setMaxQueued(256);
    server_ =
        std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), *threads_, socket, params);
    server_->start();
}

WebhookReceiver::~WebhookReceiver() {
    release();
    server_->stopAll(true);
    server_.reset();
    threads_->joinAll();
}

std::string WebhookReceiver::url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/hook";
}

std::size_t WebhookReceiver::count(const std::string& type) const {
    const std::lock_guard lock(mutex_);
    return static_cast<std::size_t>(std::count_if(
        arrivals_.begin(), arrivals_.end(), [&](const Arrival& a) { return a.type == type; }));
}

std::vector<Arrival> WebhookReceiver::arrivals() const {
    const std::lock_guard lock(mutex_);
    return arrivals_;
}

void WebhookReceiver::release() {
    {
        const std::lock_guard lock(mutex_);
        release_ = true;
    }
    released_.notify_all();
}

void WebhookReceiver::record(Arrival arrival) {
    const std::lock_guard lock(mutex_);
    arrivals_.push_back(std::move(arrival));
}

void WebhookReceiver::wait_delay() {
    if (delay_.count() <= 0) {
        return;
    }
    std::unique_lock lock(mutex_);
    released_.wait_for(lock, delay_, [this] { return release_; });
}

nlohmann::json delivery_figures(const std::vector<Arrival>& arrivals,
                                const std::vector<std::string>& ids,
                                const std::vector<SteadyTime>& answered) {
    std::unordered_map<std::string, std::size_t> index_of;
    SteadyTime last_answer{};
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (!ids[i].empty()) {
            index_of.emplace(ids[i], i);
            last_answer = std::max(last_answer, answered[i]);
        }
    }
    std::vector<bool> seen(ids.size(), false);
    std::size_t unique = 0;
    std::size_t repeats = 0;
    std::optional<SteadyTime> first;
    std::optional<SteadyTime> last;
    std::size_t last_index = 0;
    std::vector<std::int64_t> lags_ns;
    for (const auto& a : arrivals) {
        if (a.type != "org.vergegrid.region.created") {
            continue;
        }
        const auto found = index_of.find(a.subject);
        if (found == index_of.end()) {
            continue;
        }
        if (seen[found->second]) {
            ++repeats;
            continue;
        }
        seen[found->second] = true;
        ++unique;
        first = first ? std::min(*first, a.at) : a.at;
        if (!last || a.at >= *last) {
            last = a.at;
            last_index = found->second;
        }
        lags_ns.push_back(
            std::chrono::duration_cast<std::chrono::nanoseconds>(a.at - answered[found->second])
                .count());
    }
    nlohmann::json out{
        {"region_created", unique}, {"repeats", repeats}, {"expected", index_of.size()}};
    if (unique == 0) {
        return out;
    }
    const double span_ms = ms_between(*first, *last);
    out["first_to_last_ms"] = round2(span_ms);
    out["events_per_s"] =
        span_ms > 0 ? std::round(static_cast<double>(unique - 1) * 1000.0 / span_ms) : 0.0;
    // The event that arrived last, behind its own create's answer, and behind the run's last
    // answer.
    out["last_event_lag_ms"] = round2(ms_between(answered[last_index], *last));
    out["last_arrival_after_last_answer_ms"] = round2(ms_between(last_answer, *last));
    const auto lag = summarise(lags_ns);
    out["lag_ms"] = {{"p50", round2(lag.p50_ms)},
                     {"p90", round2(lag.p90_ms)},
                     {"p99", round2(lag.p99_ms)},
                     {"max", round2(lag.max_ms)}};
    return out;
}

std::uint16_t unclaimed_port() {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    return socket.address().port();
}

NatsServer::NatsServer(const std::filesystem::path& store)
    : port_(unclaimed_port()), monitor_port_(unclaimed_port()) {
    const auto program = find_program("nats-server");
    if (!program) {
        throw std::runtime_error("--nats: no nats-server in PATH (apt-get install nats-server)");
    }
    process_ = std::make_unique<Child>(
        *program,
        std::vector<std::string>{"-js", "-a", "127.0.0.1", "-p", std::to_string(port_), "-m",
                                 std::to_string(monitor_port_), "-sd", store.string()},
        std::map<std::string, std::string>{});
    if (!process_->wait_for_output("(Server is ready)", std::chrono::seconds(20))) {
        throw std::runtime_error("nats-server did not start:\n" + process_->output_tail());
    }
}

NatsServer::~NatsServer() {
    if (process_) {
        process_->terminate(std::chrono::seconds(10));
    }
}

std::optional<NatsServer::StreamState> NatsServer::stream(const std::string& name) const {
    Client monitor("127.0.0.1", monitor_port_, std::chrono::seconds(5));
    const auto reply = monitor.request("GET", "/jsz?streams=true");
    if (reply.status != 200) {
        throw std::runtime_error("nats-server GET /jsz answered " + std::to_string(reply.status) +
                                 ": " + reply.body);
    }
    const auto jsz = nlohmann::json::parse(reply.body);
    for (const auto& account : jsz.value("account_details", nlohmann::json::array())) {
        for (const auto& detail : account.value("stream_detail", nlohmann::json::array())) {
            if (detail.value("name", "") == name) {
                const auto& state = detail.at("state");
                return StreamState{state.value("messages", std::uint64_t{0}),
                                   state.value("last_ts", "")};
            }
        }
    }
    return std::nullopt;
}

std::optional<std::chrono::system_clock::time_point> parse_rfc3339(const std::string& text) {
    std::tm tm{};
    std::istringstream in(text.substr(0, 19));
    in >> std::get_time(&tm, "%Y-%m-%dT%H:%M:%S");
    if (in.fail()) {
        return std::nullopt;
    }
    auto at = std::chrono::system_clock::from_time_t(::timegm(&tm));
    if (text.size() > 20 && text[19] == '.') {
        std::size_t end = 20;
        std::int64_t nanos = 0;
        int digits = 0;
        while (end < text.size() && std::isdigit(static_cast<unsigned char>(text[end])) != 0) {
            if (digits < 9) {
                nanos = nanos * 10 + (text[end] - '0');
                ++digits;
            }
            ++end;
        }
        for (; digits < 9; ++digits) {
            nanos *= 10;
        }
        at += std::chrono::duration_cast<std::chrono::system_clock::duration>(
            std::chrono::nanoseconds(nanos));
    }
    return at;
}

}  // namespace vergegrid::bench
