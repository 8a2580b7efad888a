#include "control/operations/operation_signals.hpp"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/URI.h>
#include <spdlog/spdlog.h>

namespace vergegrid::control {

namespace {
constexpr auto kDoorbellTimeout = std::chrono::seconds(2);
constexpr std::size_t kMaxQueuedDoorbells = 10000;
}  // namespace

OperationSignals::OperationSignals(std::shared_ptr<spdlog::logger> log)
    : log_(std::move(log)), ringer_([this] { ring_doorbells(); }) {}

OperationSignals::~OperationSignals() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    doorbell_ready_.notify_all();
    changed_.notify_all();
    ringer_.join();
}

void OperationSignals::notify(const std::string& simulator_id, const std::string& push_url) {
    {
        std::lock_guard lock(mutex_);
        ++generations_[simulator_id];
        if (!push_url.empty() && doorbells_.size() < kMaxQueuedDoorbells) {
            doorbells_.emplace_back(simulator_id, push_url);
        }
    }
    changed_.notify_all();
    doorbell_ready_.notify_one();
}

std::uint64_t OperationSignals::generation(const std::string& simulator_id) {
    std::lock_guard lock(mutex_);
    return generations_[simulator_id];
}

void OperationSignals::wait(const std::string& simulator_id, std::uint64_t seen,
                            std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    changed_.wait_until(lock, deadline,
                        [&] { return stopping_ || generations_[simulator_id] != seen; });
}

void OperationSignals::ring_doorbells() {
    for (;;) {
        std::pair<std::string, std::string> doorbell;
        {
            std::unique_lock lock(mutex_);
            doorbell_ready_.wait(lock, [&] { return stopping_ || !doorbells_.empty(); });
            if (stopping_) {
                return;
            }
            doorbell = std::move(doorbells_.front());
            doorbells_.pop_front();
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
