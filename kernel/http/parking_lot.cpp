#include "kernel/http/parking_lot.hpp"

#include <Poco/Net/NetException.h>
#include <spdlog/spdlog.h>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "kernel/http/api_error.hpp"
#include "kernel/http/connection_lost.hpp"
#include "kernel/http/deferred.hpp"
#include "kernel/http/head_peek.hpp"
#include "kernel/http/request_id.hpp"
#include "kernel/http/server_context.hpp"

namespace vergegrid::kernel::http {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::uint64_t kWakeFdKey = 0;  // entry ids start at 1

// Written by the reactor itself, without Poco: it must not block, and it is the last thing the
// connection sees.
std::string head_timeout_response(const std::string& request_id,
                                  std::chrono::milliseconds head_timeout) {
    const std::string body =
        error_body("request_timeout", "the request head did not arrive within " +
                                          std::to_string(head_timeout.count()) + " ms")
            .dump();
    return "HTTP/1.1 408 Request Timeout\r\nContent-Type: application/json\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\nConnection: close\r\nX-Request-Id: " + request_id +
           "\r\n\r\n" + body;
}

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
    return entries_.size() - heads_;
}

std::size_t ParkingLot::awaiting_head() const {
    std::lock_guard lock(mutex_);
    return heads_;
}

void ParkingLot::update_gauge_locked() {
    context_.metrics.parked_gauge().set(static_cast<double>(entries_.size() - heads_));
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
        if (entries_.size() - heads_ >= max_parked_) {
            return Refusal::full;
        }
        entry->id = next_id_++;
        entry->socket = socket;
        entry->session = std::move(session);
        // Poco's session keeps its 4 KiB read buffer for life: 200 MB for 50,000 waiting polls.
        // A plain-HTTP poll with nothing buffered waits with its socket alone; its answer goes
        // out through a new session (session_of()), as a connection's next request does.
        if (!entry->socket.secure() && entry->session->buffered() == 0) {
            entry->socket = entry->session->detachSocket();
            entry->session.reset();
        }
        entry->deferred = std::move(deferred.deferred);
        entry->pending = std::move(deferred.pending);
        entry->waiting = Waiting::answer;
        entry->deadline = entry->deferred->deadline();
        // Held (not watched) while it is armed: a wake-up during arm() is kept for later.
        entry->working = true;
        entries_.emplace(entry->id, entry);
        update_gauge_locked();
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

ParkingLot::Refusal ParkingLot::await_head(const Poco::Net::StreamSocket& socket,
                                           bool between_requests) {
    auto entry = std::make_shared<Entry>();
    std::lock_guard lock(mutex_);
    if (stopping_) {
        return Refusal::stopping;
    }
    if (heads_ >= context_.settings.max_idle_connections) {
        return Refusal::full;
    }
    entry->id = next_id_++;
    entry->socket = socket;
    entry->waiting = Waiting::head;
    // A new connection's deadline covers its wait for a first byte too: opening connections and
    // saying nothing is the cheapest way to hold them.
    entry->head_begun = !between_requests;
    entry->deadline = Clock::now() + (between_requests ? context_.settings.keep_alive_timeout
                                                       : context_.settings.head_timeout);
    entries_.emplace(entry->id, entry);
    ++heads_;
    if (!watch_locked(entry)) {
        forget_locked(entry);
        return Refusal::full;
    }
    return Refusal::none;
}

std::uint64_t ParkingLot::guard(const Poco::Net::StreamSocket& socket, Clock::time_point deadline) {
    std::lock_guard lock(mutex_);
    const auto id = next_id_++;
    guards_.emplace(id, std::make_pair(socket.impl()->sockfd(), deadline));
    const bool earliest = guard_deadlines_.empty() || deadline < guard_deadlines_.begin()->first;
    guard_deadlines_.emplace(deadline, id);
    if (earliest) {
        const std::uint64_t one = 1;
        [[maybe_unused]] auto written = ::write(wake_fd_, &one, sizeof(one));
    }
    return id;
}

void ParkingLot::release_guard(std::uint64_t id) {
    std::lock_guard lock(mutex_);
    const auto it = guards_.find(id);
    if (it != guards_.end()) {
        guard_deadlines_.erase({it->second.second, id});
        guards_.erase(it);
    }
}

bool ParkingLot::has_buffered_input(Entry& entry) const {
    // Input Poco or OpenSSL already read makes the descriptor look idle to epoll.
    return (entry.session && entry.session->buffered() > 0) ||
           (entry.socket.secure() && entry.socket.available() > 0);
}

ParkableSession& ParkingLot::session_of(Entry& entry) const {
    if (!entry.session) {
        entry.session = std::make_unique<ParkableSession>(entry.socket, context_.params);
    }
    return *entry.session;
}

bool ParkingLot::requeue_locked(const EntryPtr& entry) {
    if (stopping_) {
        return false;
    }
    if (entry->waiting == Waiting::answer && entry->wake_pending) {
        dispatch_locked(entry, Reason::woken);
        return true;
    }
    if (entry->session && has_buffered_input(*entry)) {
        dispatch_locked(entry, Reason::input);
        return true;
    }
    if (entry->waiting == Waiting::request && !entry->socket.secure()) {
        if (heads_ >= context_.settings.max_idle_connections) {
            return false;  // closed, as an idle connection may be
        }
        // Its next request is awaited like any connection's, and served by a worker. Detached
        // first: destroying a session closes its socket.
        entry->socket = entry->session->detachSocket();
        entry->session.reset();
        entry->waiting = Waiting::head;
        entry->head_begun = false;
        ++heads_;
        update_gauge_locked();
    }
    return watch_locked(entry);
}

bool ParkingLot::watch_locked(const EntryPtr& entry) {
    epoll_event event{};
    // The first readiness ends the wait of the others (level-triggered). A head entry waits on
    // through partial input: edge-triggered, so that it is woken by new bytes, not by the bytes
    // it has already peeked at.
    event.events = EPOLLIN | EPOLLRDHUP | (entry->waiting == Waiting::head ? EPOLLET : 0U);
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

void ParkingLot::move_deadline_locked(Entry& entry, Clock::time_point deadline) {
    deadlines_.erase({entry.deadline, entry.id});
    entry.deadline = deadline;
    deadlines_.emplace(entry.deadline, entry.id);
}

void ParkingLot::on_head_input_locked(const EntryPtr& entry, std::uint32_t flags,
                                      std::vector<EntryPtr>& ready, std::vector<EntryPtr>& gone) {
    if ((flags & (EPOLLHUP | EPOLLERR)) != 0) {
        forget_locked(entry);
        gone.push_back(entry);
        return;
    }
    switch (peek_head(entry->socket.impl()->sockfd(), context_.settings.max_header_bytes,
                      peek_scratch_)) {
        case HeadState::ready:
        case HeadState::malformed:  // the worker answers 400
        case HeadState::too_large:  // the worker answers 431 or 414
        case HeadState::target_too_long:
            forget_locked(entry);
            ready.push_back(entry);
            return;
        case HeadState::closed:
            forget_locked(entry);
            gone.push_back(entry);
            return;
        case HeadState::incomplete:
            break;
    }
    if ((flags & EPOLLRDHUP) != 0) {
        // Half-closed after part of a head: the rest will never come.
        forget_locked(entry);
        gone.push_back(entry);
        return;
    }
    if (!entry->head_begun) {
        entry->head_begun = true;
        move_deadline_locked(*entry, Clock::now() + context_.settings.head_timeout);
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
    if (entries_.erase(entry->id) == 1 && entry->waiting == Waiting::head) {
        --heads_;
    }
    update_gauge_locked();
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
            auto next = Clock::time_point::max();
            if (!deadlines_.empty()) {
                next = deadlines_.begin()->first;
            }
            if (!guard_deadlines_.empty()) {
                next = std::min(next, guard_deadlines_.begin()->first);
            }
            if (next != Clock::time_point::max()) {
                const auto until = next - Clock::now();
                const auto ms = std::chrono::ceil<std::chrono::milliseconds>(until).count();
                timeout_ms = static_cast<int>(std::clamp<long long>(ms, 0, 1000));
            }
        }
        const int count =
            ::epoll_wait(epoll_fd_, events.data(), static_cast<int>(events.size()), timeout_ms);
        std::vector<EntryPtr> gone;  // closed outside the lock
        std::vector<EntryPtr> heads_ready;
        std::vector<EntryPtr> heads_late;
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
                if (entry->waiting == Waiting::head) {
                    on_head_input_locked(entry, flags, heads_ready, gone);
                    continue;
                }
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
                } else if (entry->waiting == Waiting::head && entry->head_begun) {
                    forget_locked(entry);
                    heads_late.push_back(entry);
                } else {
                    forget_locked(entry);  // idle past the keep-alive timeout
                    gone.push_back(entry);
                }
            }
            while (!guard_deadlines_.empty() && guard_deadlines_.begin()->first <= now) {
                const auto it = guards_.find(guard_deadlines_.begin()->second);
                guard_deadlines_.erase(guard_deadlines_.begin());
                if (it != guards_.end()) {
                    // The worker holding it wakes with an error and closes the connection.
                    ::shutdown(it->second.first, SHUT_RDWR);
                    guards_.erase(it);
                }
            }
        }
        for (const auto& entry : heads_late) {
            answer_head_timeout(*entry);
        }
        for (const auto& entry : heads_ready) {
            context_.hand_to_worker(entry->socket);
        }
    }
}

void ParkingLot::answer_head_timeout(Entry& entry) noexcept {
    const int fd = entry.socket.impl()->sockfd();
    int pending = 0;
    if (::ioctl(fd, FIONREAD, &pending) != 0 || pending <= 0) {
        return;  // nothing of a head came: an idle connection, closed without a word
    }
    try {
        const std::string request_id = new_request_id();
        const auto timeout = context_.settings.head_timeout;
        context_.metrics.record("", kUnmatchedRoute, 408, timeout);
        context_.log->debug("{} request head incomplete after {} ms: 408, connection closed",
                            request_id, timeout.count());
        // Read what the client sent (at most a head, the rest never reached a worker): closing
        // with unread input resets the connection, which can destroy the answer in flight.
        std::array<char, 16 * 1024> sink{};
        for (std::size_t drained = 0; drained < 1024 * 1024;) {
            const auto n = ::recv(fd, sink.data(), sink.size(), MSG_DONTWAIT);
            if (n <= 0) {
                break;
            }
            drained += static_cast<std::size_t>(n);
        }
        // The socket's send buffer is empty between requests: a small answer fits at once.
        const std::string answer = head_timeout_response(request_id, timeout);
        [[maybe_unused]] const auto sent =
            ::send(fd, answer.data(), answer.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
        ::shutdown(fd, SHUT_WR);
    } catch (...) {
        // Out of memory, or a logger failing: the connection closes either way.
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
                if (auto mapped = context_.router->translate(e)) {
                    response = Response::error(*mapped);
                } else {
                    context_.log->error("{} {} {}: request failed: {}", entry->pending.request_id,
                                        entry->pending.method, entry->pending.route, e.what());
                    response = Response::error(ApiError(500, "internal", "internal server error"));
                }
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
                    finish_exchange(context_, session_of(*entry), entry->pending, *response);
                close = !result.keep_alive;
                entry->waiting = Waiting::request;
                entry->deadline = Clock::now() + context_.settings.keep_alive_timeout;
            }
        } else {
            auto result = serve_next_request(context_, session_of(*entry));
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
        finish_exchange(context_, session_of(entry), entry.pending, shutting_down_answer());
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
