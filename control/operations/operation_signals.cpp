#include "control/operations/operation_signals.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/URI.h>
#include <spdlog/spdlog.h>

#include <utility>

namespace vergegrid::control {

namespace {
constexpr auto kDoorbellTimeout = std::chrono::seconds(2);
constexpr std::size_t kMaxQueuedDoorbells = 10000;
constexpr std::size_t kMaxTimers = 100000;
}  // namespace

OperationSignals::OperationSignals(std::shared_ptr<spdlog::logger> log)
    : log_(std::move(log)), ringer_([this] { ring_doorbells(); }) {}

OperationSignals::~OperationSignals() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    work_ready_.notify_all();
    ringer_.join();
}

std::map<OperationSignals::Subscription, std::function<void()>> OperationSignals::bump_locked(
    const std::string& simulator_id) {
    auto& waiters = simulators_[simulator_id];
    ++waiters.generation;
    return std::exchange(waiters.waiting, {});
}

void OperationSignals::notify(const std::string& simulator_id, const std::string& push_url) {
    std::map<Subscription, std::function<void()>> woken;
    {
        std::lock_guard lock(mutex_);
        woken = bump_locked(simulator_id);
        if (!push_url.empty() && doorbells_.size() < kMaxQueuedDoorbells) {
            doorbells_.emplace_back(simulator_id, push_url);
        }
    }
    work_ready_.notify_one();
    // Outside the mutex: a wake-up takes its server's locks, which may be held by a thread
    // that is about to subscribe or unsubscribe here.
    for (auto& [id, wake] : woken) {
        wake();
    }
}

void OperationSignals::notify_at(const std::string& simulator_id, Clock::time_point when) {
    {
        std::lock_guard lock(mutex_);
        if (timers_.size() >= kMaxTimers) {
            return;  // the bridge's next pull still finds the operation
        }
        timers_.emplace(when, simulator_id);
    }
    work_ready_.notify_one();
}

std::uint64_t OperationSignals::generation(const std::string& simulator_id) {
    std::lock_guard lock(mutex_);
    return simulators_[simulator_id].generation;
}

OperationSignals::Subscription OperationSignals::subscribe(const std::string& simulator_id,
                                                           std::uint64_t seen,
                                                           std::function<void()> wake) {
    {
        std::lock_guard lock(mutex_);
        auto& waiters = simulators_[simulator_id];
        if (waiters.generation == seen) {
            const auto subscription = next_subscription_++;
            waiters.waiting.emplace(subscription, std::move(wake));
            return subscription;
        }
    }
    wake();  // notified since `seen`
    return 0;
}

void OperationSignals::unsubscribe(const std::string& simulator_id, Subscription subscription) {
    std::lock_guard lock(mutex_);
    const auto it = simulators_.find(simulator_id);
    if (it != simulators_.end()) {
        it->second.waiting.erase(subscription);
    }
}

void OperationSignals::ring_doorbells() {
    for (;;) {
        std::pair<std::string, std::string> doorbell;
        std::map<Subscription, std::function<void()>> woken;
        {
            std::unique_lock lock(mutex_);
            // Each round looks at the earliest timer again: notify_at() may have added an
            // earlier one.
            while (!stopping_ && doorbells_.empty() &&
                   (timers_.empty() || timers_.begin()->first > Clock::now())) {
                if (timers_.empty()) {
                    work_ready_.wait(lock);
                } else {
                    work_ready_.wait_until(lock, timers_.begin()->first);
                }
            }
            if (stopping_) {
                return;
            }
            const auto now = Clock::now();
            while (!timers_.empty() && timers_.begin()->first <= now) {
                woken.merge(bump_locked(timers_.begin()->second));
                timers_.erase(timers_.begin());
            }
            if (!doorbells_.empty()) {
                doorbell = std::move(doorbells_.front());
                doorbells_.pop_front();
            }
        }
        for (auto& [id, wake] : woken) {
            wake();
        }
        if (doorbell.second.empty()) {
            continue;
        }
        const auto& [simulator_id, url] = doorbell;
        try {
            const Poco::URI uri(url);
            Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
            session.setTimeout(Poco::Timespan(
                std::chrono::duration_cast<std::chrono::microseconds>(kDoorbellTimeout).count()));
            Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, uri.getPathEtc(),
                                           Poco::Net::HTTPMessage::HTTP_1_1);
            const std::string body = R"({"pull":true})";
            request.setContentType("application/json");
            request.setContentLength(static_cast<std::streamsize>(body.size()));
            session.sendRequest(request) << body;
            Poco::Net::HTTPResponse response;
            session.receiveResponse(response);
        } catch (const std::exception& e) {
            // Pull delivers anyway: a failed push is worth a line in the log, not an error.
            log_->warn("doorbell of simulator {} at {} failed: {}", simulator_id, url, e.what());
        }
    }
}

}  // namespace vergegrid::control
