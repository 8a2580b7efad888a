#include "kernel/http/parking_lot.hpp"

#include <Poco/Net/NetException.h>
#include <spdlog/spdlog.h>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "kernel/http/api_error.hpp"
#include "kernel/http/connection_lost.hpp"
#include "kernel/http/deferred.hpp"
#include "kernel/http/server_context.hpp"

namespace vergegrid::kernel::http {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::uint64_t kWakeFdKey = 0;  // entry ids start at 1

}  // namespace

Response shutting_down_answer() {
    auto response =
        Response::error(ApiError(503, "shutting_down", "the server is shutting down; retry"));
    response.headers.emplace_back("Retry-After", "1");
    return response;
}

ParkingLot::ParkingLot(ServerContext& context, std::size_t max_parked, int resume_threads)
    : context_(context), max_parked_(max_parked) {
    epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
    wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (epoll_fd_ < 0 || wake_fd_ < 0) {
        const std::string reason = std::strerror(errno);
        if (epoll_fd_ >= 0) {
            ::close(epoll_fd_);
        }
        throw std::runtime_error("cannot set up the long-poll reactor: " + reason);
    }
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u64 = kWakeFdKey;
    ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, wake_fd_, &event);
    reactor_ = std::thread([this] { run_reactor(); });
    for (int i = 0; i < std::max(1, resume_threads); ++i) {
        resumers_.emplace_back([this] { run_resumer(); });
    }
}

ParkingLot::~ParkingLot() {
    stop(Clock::now());
    ::close(epoll_fd_);
    ::close(wake_fd_);
}

std::size_t ParkingLot::parked() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

ParkingLot::Refusal ParkingLot::park(Poco::Net::StreamSocket& socket,
                                     std::unique_ptr<ParkableSession>& session,
                                     ExchangeResult& deferred) {
    auto entry = std::make_shared<Entry>();
    {
        std::lock_guard lock(mutex_);
        if (stopping_) {
            return Refusal::stopping;
        }
        if (entries_.size() >= max_parked_) {
            return Refusal::full;
        }
        entry->id = next_id_++;
        entry->socket = socket;
        entry->session = std::move(session);
        entry->deferred = std::move(deferred.deferred);
        entry->pending = std::move(deferred.pending);
        entry->waiting = Waiting::answer;
        entry->deadline = entry->deferred->deadline();
        // Held (not watched) while it is armed: a wake-up during arm() is kept for later.
        entry->working = true;
        entries_.emplace(entry->id, entry);
        context_.metrics.parked_gauge().set(static_cast<double>(entries_.size()));
    }
    arm(entry);
    std::unique_lock lock(mutex_);
    entry->working = false;
    if (!requeue_locked(entry)) {
        forget_locked(entry);
        lock.unlock();
        answer_stopping(*entry);
    }
    return Refusal::none;
}

void ParkingLot::arm(const EntryPtr& entry) {
    std::weak_ptr<ParkingLot> lot = weak_from_this();
    const auto id = entry->id;
    entry->deferred->arm([lot, id] {
        if (auto alive = lot.lock()) {
            alive->wake(id);
        }
    });
}

void ParkingLot::wake(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    const auto it = entries_.find(id);
    if (it == entries_.end()) {
        return;  // gone already
    }
    // A resume thread owns the entry's fields while it works on it: leave a note for later.
    if (it->second->working) {
        it->second->wake_pending = true;
    } else if (it->second->waiting == Waiting::answer) {
        dispatch_locked(it->second, Reason::woken);
    }
}

bool ParkingLot::has_buffered_input(Entry& entry) const {
    // Input Poco or OpenSSL already read makes the descriptor look idle to epoll.
    return entry.session->buffered() > 0 || (entry.socket.secure() && entry.socket.available() > 0);
}

bool ParkingLot::requeue_locked(const EntryPtr& entry) {
    if (stopping_) {
        return false;
    }
    if (entry->waiting == Waiting::answer && entry->wake_pending) {
        dispatch_locked(entry, Reason::woken);
        return true;
    }
    if (has_buffered_input(*entry)) {
        dispatch_locked(entry, Reason::input);
        return true;
    }
    epoll_event event{};
    event.events = EPOLLIN | EPOLLRDHUP;
    event.data.u64 = entry->id;
    if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, entry->socket.impl()->sockfd(), &event) != 0) {
        context_.log->debug("cannot watch a parked connection: {}", std::strerror(errno));
        return false;
    }
    entry->in_epoll = true;
    const bool earliest = deadlines_.empty() || entry->deadline < deadlines_.begin()->first;
    deadlines_.emplace(entry->deadline, entry->id);
    if (earliest) {
        // The reactor may sleep until a later deadline.
        const std::uint64_t one = 1;
        [[maybe_unused]] auto written = ::write(wake_fd_, &one, sizeof(one));
    }
    return true;
}

void ParkingLot::unwatch_locked(Entry& entry) {
    if (entry.in_epoll) {
        ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, entry.socket.impl()->sockfd(), nullptr);
        deadlines_.erase({entry.deadline, entry.id});
        entry.in_epoll = false;
    }
}

void ParkingLot::dispatch_locked(const EntryPtr& entry, Reason reason) {
    unwatch_locked(*entry);
    entry->working = true;
    entry->wake_pending = false;
    entry->reason = reason;
    ++working_;
    (reason == Reason::woken ? woken_ready_ : ready_).push_back(entry);
    work_ready_.notify_one();
}

void ParkingLot::forget_locked(const EntryPtr& entry) {
    unwatch_locked(*entry);
    entries_.erase(entry->id);
    context_.metrics.parked_gauge().set(static_cast<double>(entries_.size()));
}

void ParkingLot::run_reactor() {
    std::array<epoll_event, 256> events{};
    for (;;) {
        int timeout_ms = 1000;
        {
            std::lock_guard lock(mutex_);
            if (stopping_) {
                return;
            }
            if (!deadlines_.empty()) {
                const auto until = deadlines_.begin()->first - Clock::now();
                const auto ms = std::chrono::ceil<std::chrono::milliseconds>(until).count();
                timeout_ms = static_cast<int>(std::clamp<long long>(ms, 0, 1000));
            }
        }
        const int count =
            ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), timeout_ms);
        std::vector<EntryPtr> gone;  // closed outside the lock
        {
            std::lock_guard lock(mutex_);
            if (stopping_) {
                return;
            }
            for (int i = 0; i < count; ++i) {
                const auto key = events[static_cast<std::size_t>(i)].data.u64;
                const auto flags = events[static_cast<std::size_t>(i)].events;
                if (key == kWakeFdKey) {
                    std::uint64_t drained = 0;
                    [[maybe_unused]] auto read = ::read(wake_fd_, &drained, sizeof(drained));
                    continue;
                }
                const auto it = entries_.find(key);
                if (it == entries_.end() || !it->second->in_epoll) {
                    continue;
                }
                const auto entry = it->second;
                const bool hung_up = (flags & (EPOLLHUP | EPOLLERR)) != 0;
                const bool peer_closed = hung_up || (flags & EPOLLRDHUP) != 0;
                if (entry->waiting == Waiting::answer ? peer_closed
                                                      : hung_up && (flags & EPOLLIN) == 0) {
                    // The client left: nobody to answer.
                    context_.log->debug("{} {} {}: the client closed a parked connection",
                                        entry->pending.request_id, entry->pending.method,
                                        entry->pending.route);
                    forget_locked(entry);
                    gone.push_back(entry);
                } else {
                    // A next request (answer the poll now), or a FIN read by the next exchange.
                    dispatch_locked(entry, Reason::input);
                }
            }
            const auto now = Clock::now();
            while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
                const auto entry = entries_.at(deadlines_.begin()->second);
                if (entry->waiting == Waiting::answer) {
                    dispatch_locked(entry, Reason::deadline);
                } else {
                    forget_locked(entry);  // idle past the keep-alive timeout
                    gone.push_back(entry);
                }
            }
        }
    }
}

void ParkingLot::run_resumer() {
    for (;;) {
        EntryPtr entry;
        {
            std::unique_lock lock(mutex_);
            work_ready_.wait(lock, [this] {
                return !woken_ready_.empty() || !ready_.empty() || exit_resumers_;
            });
            auto& queue = woken_ready_.empty() ? ready_ : woken_ready_;
            if (queue.empty()) {
                return;
            }
            entry = std::move(queue.front());
            queue.pop_front();
        }
        serve(entry);
        {
            std::lock_guard lock(mutex_);
            --working_;
        }
        idle_.notify_all();
    }
}

void ParkingLot::serve(const EntryPtr& entry) {
    bool close = false;
    try {
        if (entry->waiting == Waiting::answer) {
            const bool final = entry->reason != Reason::woken;
            std::optional<Response> response;
            try {
                response = entry->deferred->resume(final);
            } catch (const ApiError& e) {
                response = Response::error(e);
            } catch (const std::exception& e) {
                context_.log->error("{} {} {}: request failed: {}", entry->pending.request_id,
                                    entry->pending.method, entry->pending.route, e.what());
                response = Response::error(ApiError(500, "internal", "internal server error"));
            }
            if (!response && final) {
                context_.log->error("{} {} {}: a deferred answer gave none at its deadline",
                                    entry->pending.request_id, entry->pending.method,
                                    entry->pending.route);
                response = Response::error(ApiError(500, "internal", "internal server error"));
            }
            if (response) {
                entry->deferred.reset();
                const auto result =
                    finish_exchange(context_, *entry->session, entry->pending, *response);
                close = !result.keep_alive;
                entry->waiting = Waiting::request;
                entry->deadline = Clock::now() + context_.settings.keep_alive_timeout;
            }
        } else {
            auto result = serve_next_request(context_, *entry->session);
            if (result.deferred) {
                entry->deferred = std::move(result.deferred);
                entry->pending = std::move(result.pending);
                entry->waiting = Waiting::answer;
                entry->deadline = entry->deferred->deadline();
                arm(entry);
            } else {
                close = !result.keep_alive;
                entry->deadline = Clock::now() + context_.settings.keep_alive_timeout;
            }
        }
    } catch (const ConnectionLost& e) {
        context_.log->debug("connection lost: {}", e.what());
        close = true;
    } catch (const Poco::Exception& e) {
        context_.log->debug("connection closed: {}", e.displayText());
        close = true;
    } catch (const std::exception& e) {
        context_.log->warn("connection closed on an unexpected error: {}", e.what());
        close = true;
    }
    std::unique_lock lock(mutex_);
    entry->working = false;
    if (!close && requeue_locked(entry)) {
        return;
    }
    forget_locked(entry);
    lock.unlock();
    if (!close && entry->waiting == Waiting::answer) {
        answer_stopping(*entry);
    }
    entry->deferred.reset();
}

void ParkingLot::answer_stopping(Entry& entry) noexcept {
    try {
        finish_exchange(context_, *entry.session, entry.pending, shutting_down_answer());
    } catch (...) {
        // The client is gone; nothing more to tell it.
    }
    entry.deferred.reset();
}

void ParkingLot::stop(Clock::time_point deadline) {
    std::vector<EntryPtr> waiting;
    std::vector<EntryPtr> idle;
    {
        std::lock_guard lock(mutex_);
        if (stopping_) {
            return;
        }
        stopping_ = true;
        for (const auto& [id, entry] : entries_) {
            if (!entry->working) {
                (entry->waiting == Waiting::answer ? waiting : idle).push_back(entry);
            }
        }
        for (const auto& entry : waiting) {
            forget_locked(entry);
        }
        for (const auto& entry : idle) {
            forget_locked(entry);
        }
    }
    const std::uint64_t one = 1;
    [[maybe_unused]] auto written = ::write(wake_fd_, &one, sizeof(one));
    reactor_.join();
    if (!waiting.empty()) {
        context_.log->info("answering {} parked long poll(s): shutting down", waiting.size());
    }
    for (const auto& entry : waiting) {
        answer_stopping(*entry);
    }
    waiting.clear();
    idle.clear();
    {
        std::unique_lock lock(mutex_);
        exit_resumers_ = true;
        work_ready_.notify_all();
        if (!idle_.wait_until(lock, deadline, [this] { return working_ == 0; })) {
            // Handlers still running past the drain deadline: end their blocked I/O.
            for (const auto& [id, entry] : entries_) {
                ::shutdown(entry->socket.impl()->sockfd(), SHUT_RDWR);
            }
        }
    }
    for (auto& thread : resumers_) {
        thread.join();
    }
}

}  // namespace vergegrid::kernel::http
