#include "bench_event_phase.hpp"

#include <algorithm>
#include <cmath>
#include <iostream>
#include <random>
#include <stdexcept>
#include <thread>

namespace vergegrid::bench {

namespace {

constexpr const char* kCreated = "org.vergegrid.region.created";

void say(const std::string& line) {
    std::cerr << "api_bench: " << line << std::endl;
}

nlohmann::json parse_answer(const HttpReply& reply, int wanted, const std::string& what) {
    if (reply.status != wanted) {
        throw std::runtime_error(what + " answered " + std::to_string(reply.status) + ": " +
                                 reply.body);
    }
    return reply.body.empty() ? nlohmann::json() : nlohmann::json::parse(reply.body);
}

// A request of the admin's keep-alive connection, once more on a fresh connection when the first
// got no answer at all: the server closes a connection left idle during the creates.
HttpReply ask(Client& admin, const std::string& method, const std::string& path,
              const std::string& body = {}) {
    auto reply = admin.request(method, path, body);
    return reply.status == 0 ? admin.request(method, path, body) : reply;
}

std::string random_secret() {
    std::random_device random;
    static const char digits[] = "0123456789abcdef";
    std::string secret = "api-bench-";
    for (int i = 0; i < 32; ++i) {
        secret += digits[random() % 16];
    }
    return secret;
}

double round2(double v) {
    return std::round(v * 100.0) / 100.0;
}

double ms_between(SteadyTime from, SteadyTime to) {
    return std::chrono::duration<double, std::milli>(to - from).count();
}

std::string fixed(double v, int decimals) {
    char text[32];
    std::snprintf(text, sizeof text, "%.*f", decimals, v);
    return text;
}

void print_receiver(const std::string& label, const nlohmann::json& f) {
    std::cerr << "   " << label << f.value("region_created", 0) << "/" << f.value("expected", 0)
              << " region.created";
    if (f.contains("events_per_s")) {
        std::cerr << " in " << fixed(f.value("first_to_last_ms", 0.0) / 1000.0, 2)
                  << " s: " << f.value("events_per_s", 0.0)
                  << " events/s; lag behind its create's answer p50 "
                  << fixed(f["lag_ms"].value("p50", 0.0), 1) << " p99 "
                  << fixed(f["lag_ms"].value("p99", 0.0), 1) << " max "
                  << fixed(f["lag_ms"].value("max", 0.0), 1) << " ms; the last one "
                  << fixed(f.value("last_event_lag_ms", 0.0), 1) << " ms after its answer, "
                  << fixed(f.value("last_arrival_after_last_answer_ms", 0.0), 1)
                  << " ms after the last answer";
    }
    if (f.value("repeats", 0) > 0) {
        std::cerr << "; " << f.value("repeats", 0) << " repeats";
    }
    std::cerr << "\n";
}

}  // namespace

EventPhase::EventPhase(EventOptions options, const std::filesystem::path& scratch)
    : options_(options), store_(scratch / "nats-store") {
    if (options_.nats) {
        std::filesystem::create_directories(store_);
        nats_ = std::make_unique<NatsServer>(store_);
        say("nats-server -js at " + nats_->url() + " (pid " + std::to_string(nats_->pid()) + ")");
    }
}

EventPhase::~EventPhase() {
    release();
    nats_watch_stop_ = true;
    if (nats_watch_.joinable()) {
        nats_watch_.join();
    }
}

void EventPhase::watch_nats() {
    try {
        while (!nats_watch_stop_) {
            const auto state = nats_->stream("VERGEGRID");
            const auto now = std::chrono::steady_clock::now();
            if (state) {
                const std::lock_guard lock(nats_mutex_);
                nats_state_ = *state;
                if (!nats_first_ && state->messages > nats_before_) {
                    nats_first_ = now;
                }
                if (state->messages >= nats_expected_) {
                    nats_done_ = now;
                    return;
                }
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
    } catch (const std::exception& e) {
        const std::lock_guard lock(nats_mutex_);
        nats_error_ = e.what();
    }
}

void EventPhase::release() {
    for (auto& receiver : receivers_) {
        receiver->release();
    }
}

std::map<std::string, std::string> EventPhase::control_env() const {
    std::map<std::string, std::string> env;
    if (options_.webhooks > 0 || options_.slow_webhooks > 0) {
        env["VERGEGRID_EVENT_SINK_WEBHOOK_ALLOW_HTTP"] = "true";
    }
    if (nats_) {
        env["VERGEGRID_EVENTS_SINKS"] = "webhook,nats";
        env["VERGEGRID_EVENT_SINK_NATS_URL"] = nats_->url();
    }
    return env;
}

// The outbox's last seq: a subscription's cursor plus its lag (GET /api/v1/events' last_seq is
// where its page ended, not the outbox's end). Every run here has at least one subscription.
std::int64_t EventPhase::last_seq(Client& admin) const {
    const auto list = parse_answer(ask(admin, "GET", "/api/v1/event-subscriptions"), 200,
                                   "GET /api/v1/event-subscriptions");
    std::int64_t last = 0;
    for (const auto& item : list.at("items")) {
        last = std::max(last,
                        item.value("cursor", std::int64_t{0}) + item.value("lag", std::int64_t{0}));
    }
    return last;
}

std::optional<std::int64_t> EventPhase::subscription_lag(Client& admin,
                                                         const std::string& sink) const {
    const auto list = parse_answer(ask(admin, "GET", "/api/v1/event-subscriptions"), 200,
                                   "GET /api/v1/event-subscriptions");
    for (const auto& item : list.at("items")) {
        if (item.value("sink", "") == sink) {
            return item.value("lag", std::int64_t{0});
        }
    }
    return std::nullopt;
}

void EventPhase::subscribe(Client& admin) {
    const int total = options_.webhooks + options_.slow_webhooks;
    for (int i = 0; i < total; ++i) {
        const bool slow = i >= options_.webhooks;
        receivers_.push_back(std::make_unique<WebhookReceiver>(
            std::chrono::milliseconds(slow ? options_.slow_ms : 0)));
        const nlohmann::json body{
            {"url", receivers_.back()->url()},
            {"secret", random_secret()},
            {"name", std::string(slow ? "api-bench-slow-" : "api-bench-") + std::to_string(i)}};
        const auto webhook = parse_answer(admin.request("POST", "/api/v1/webhooks", body.dump()),
                                          201, "POST /api/v1/webhooks");
        webhook_ids_.push_back(webhook.at("id").get<std::string>());
        if (options_.deliver_after_creates) {
            parse_answer(ask(admin, "PATCH", "/api/v1/webhooks/" + webhook_ids_.back(),
                             R"({"state":"paused"})"),
                         200, "PATCH /api/v1/webhooks/{id} paused");
        }
    }
    if (total > 0) {
        say(std::to_string(options_.webhooks) + " webhooks" +
            (options_.slow_webhooks > 0
                 ? " and " + std::to_string(options_.slow_webhooks) + " slow ones (" +
                       std::to_string(options_.slow_ms) + " ms per answer)"
                 : std::string()) +
            " subscribed" +
            (options_.deliver_after_creates ? ", paused until the creates are done" : ""));
    }
    if (nats_) {
        // Everything before the creates is in the stream first, so the run's count starts clean.
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
        for (;;) {
            const auto lag = subscription_lag(admin, "nats");
            if (lag && *lag == 0 && nats_->stream("VERGEGRID")) {
                break;
            }
            if (std::chrono::steady_clock::now() > deadline) {
                throw std::runtime_error("the nats sink did not catch up within 30 s (lag " +
                                         (lag ? std::to_string(*lag) : "unknown") + ")");
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
}

void EventPhase::before_creates(Client& admin) {
    seq_before_ = last_seq(admin);
    if (nats_) {
        const auto state = nats_->stream("VERGEGRID");
        nats_before_ = state ? state->messages : 0;
        nats_watch_ = std::thread([this] { watch_nats(); });
    }
}

nlohmann::json EventPhase::after_creates(Client& admin, const std::vector<std::string>& ids,
                                         const std::vector<SteadyTime>& answered,
                                         const std::atomic<bool>& stop) {
    const auto creates_done = std::chrono::steady_clock::now();
    if (options_.deliver_after_creates) {
        for (const auto& id : webhook_ids_) {
            parse_answer(ask(admin, "PATCH", "/api/v1/webhooks/" + id, R"({"state":"active"})"),
                         200, "PATCH /api/v1/webhooks/{id} active");
        }
    }
    const std::int64_t seq_after = last_seq(admin);
    const std::uint64_t nats_expected =
        nats_before_ +
        static_cast<std::uint64_t>(std::max<std::int64_t>(0, seq_after - seq_before_));
    nats_expected_ = nats_expected;
    const auto created = static_cast<std::size_t>(
        std::count_if(ids.begin(), ids.end(), [](const std::string& id) { return !id.empty(); }));
    say("waiting for the events of " + std::to_string(created) + " creates (outbox seq " +
        std::to_string(seq_before_) + " to " + std::to_string(seq_after) + ")");

    const auto deadline = creates_done + std::chrono::seconds(options_.wait_s);
    for (;;) {
        const auto now = std::chrono::steady_clock::now();
        bool done = true;
        for (int i = 0; i < options_.webhooks; ++i) {
            done = done && receivers_[static_cast<std::size_t>(i)]->count(kCreated) >= created;
        }
        if (nats_) {
            const std::lock_guard lock(nats_mutex_);
            done = done && (nats_done_.has_value() || !nats_error_.empty());
        }
        if (done || now > deadline || stop) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    nats_watch_stop_ = true;
    if (nats_watch_.joinable()) {
        nats_watch_.join();
    }
    const auto nats_first = nats_first_;
    const auto nats_done = nats_done_;
    const auto nats_state = nats_state_;

    bool complete = true;
    for (int i = 0; i < options_.webhooks; ++i) {
        complete = complete && receivers_[static_cast<std::size_t>(i)]->count(kCreated) >= created;
    }
    complete = complete && (!nats_ || nats_done.has_value());
    nlohmann::json out{{"mode", options_.deliver_after_creates ? "after_creates" : "live"},
                       {"complete", complete},
                       {"outbox_seq_before", seq_before_},
                       {"outbox_seq_after", seq_after},
                       {"webhooks", nlohmann::json::array()},
                       {"slow_webhooks", nlohmann::json::array()}};
    std::cerr << "\n== events: " << options_.webhooks << " webhooks";
    if (options_.slow_webhooks > 0) {
        std::cerr << " + " << options_.slow_webhooks << " answering after " << options_.slow_ms
                  << " ms";
    }
    std::cerr << (nats_ ? " + NATS" : "") << "; "
              << (options_.deliver_after_creates ? "webhooks resumed after the creates"
                                                 : "delivered while the creates ran")
              << (complete ? "" : " (INCOMPLETE: not everything arrived in time)") << "\n";

    std::optional<SteadyTime> all_first;
    std::optional<SteadyTime> all_last;
    std::size_t all_delivered = 0;
    for (std::size_t i = 0; i < receivers_.size(); ++i) {
        const bool slow = static_cast<int>(i) >= options_.webhooks;
        const auto arrivals = receivers_[i]->arrivals();
        auto figures = delivery_figures(arrivals, ids, answered);
        if (options_.deliver_after_creates && figures.value("region_created", 0) > 0) {
            SteadyTime last{};
            for (const auto& a : arrivals) {
                last = std::max(last, a.at);
            }
            figures["resume_to_last_ms"] = round2(ms_between(creates_done, last));
        }
        if (!slow) {
            for (const auto& a : arrivals) {
                if (a.type == kCreated) {
                    all_first = all_first ? std::min(*all_first, a.at) : a.at;
                    all_last = all_last ? std::max(*all_last, a.at) : a.at;
                    ++all_delivered;
                }
            }
        }
        if (slow) {
            std::cerr << "   slow " << i << "     " << figures.value("region_created", 0) << "/"
                      << figures.value("expected", 0) << " region.created by then ("
                      << options_.slow_ms << " ms per answer)\n";
        } else {
            print_receiver("webhook " + std::to_string(i) + "  ", figures);
        }
        out[slow ? "slow_webhooks" : "webhooks"].push_back(figures);
    }
    if (options_.webhooks > 1 && all_first && all_last && *all_last > *all_first) {
        const double span = ms_between(*all_first, *all_last);
        out["all_fast_webhooks"] = {
            {"deliveries", all_delivered},
            {"first_to_last_ms", round2(span)},
            {"deliveries_per_s", std::round(static_cast<double>(all_delivered) * 1000.0 / span)}};
        std::cerr << "   all fast   " << all_delivered << " region.created deliveries in "
                  << fixed(span / 1000.0, 2)
                  << " s: " << std::llround(static_cast<double>(all_delivered) * 1000.0 / span)
                  << "/s\n";
    }

    if (nats_) {
        nlohmann::json n{{"events", nats_state.messages - nats_before_},
                         {"error", nats_error_},
                         {"expected", nats_expected - nats_before_}};
        // The stream's own time of its last message, on this machine's wall clock.
        const auto offset = std::chrono::steady_clock::now().time_since_epoch() -
                            std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                std::chrono::system_clock::now().time_since_epoch());
        const auto last_wall = parse_rfc3339(nats_state.last_ts);
        SteadyTime last_answer{};
        for (std::size_t i = 0; i < ids.size(); ++i) {
            if (!ids[i].empty()) {
                last_answer = std::max(last_answer, answered[i]);
            }
        }
        if (nats_first && last_wall) {
            const SteadyTime last(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                                      last_wall->time_since_epoch()) +
                                  offset);
            const double span = ms_between(*nats_first, last);
            const auto events = static_cast<double>(nats_state.messages - nats_before_);
            n["first_seen_to_last_stored_ms"] = round2(span);
            n["events_per_s"] = span > 0 ? std::round((events - 1) * 1000.0 / span) : 0.0;
            n["last_stored_after_last_answer_ms"] = round2(ms_between(last_answer, last));
            n["poll_interval_ms"] = 10;
            std::cerr << "   nats       " << n["events"] << "/" << n["expected"]
                      << " events (every type) in " << fixed(span / 1000.0, 2)
                      << " s: " << n["events_per_s"] << " events/s; the last stored "
                      << fixed(n.value("last_stored_after_last_answer_ms", 0.0), 1)
                      << " ms after the last create's answer (first seen by a 10 ms poll)\n";
        } else {
            std::cerr << "   nats       " << n["events"] << "/" << n["expected"] << " events\n";
        }
        out["nats"] = n;
    }
    try {
        out["subscriptions"] = parse_answer(ask(admin, "GET", "/api/v1/event-subscriptions"), 200,
                                            "GET /api/v1/event-subscriptions")
                                   .at("items");
    } catch (const std::exception& e) {
        out["subscriptions"] = e.what();
    }
    release();
    return out;
}

}  // namespace vergegrid::bench
