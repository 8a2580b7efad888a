#include "kernel/http/connection_tracker.hpp"

#include <sys/socket.h>

namespace vergegrid::kernel::http {

ConnectionTracker::Registration::Registration(ConnectionTracker& tracker,
                                              const Poco::Net::StreamSocket& socket)
    : tracker_(tracker) {
    std::lock_guard lock(tracker_.mutex_);
    if (tracker_.draining()) {
        return;
    }
    entry_ = tracker_.entries_.insert(tracker_.entries_.end(), Entry{socket, false});
    accepted_ = true;
}

ConnectionTracker::Registration::~Registration() {
    if (!accepted_) {
        return;
    }
    std::lock_guard lock(tracker_.mutex_);
    tracker_.entries_.erase(entry_);
    tracker_.closed_.notify_all();
}

bool ConnectionTracker::Registration::begin_request() {
    std::lock_guard lock(tracker_.mutex_);
    if (tracker_.draining()) {
        return false;
    }
    entry_->busy = true;
    return true;
}

bool ConnectionTracker::Registration::end_request() {
    std::lock_guard lock(tracker_.mutex_);
    entry_->busy = false;
    return !tracker_.draining();
}

void ConnectionTracker::begin_drain() {
    std::lock_guard lock(mutex_);
    draining_.store(true, std::memory_order_release);
    for (auto& entry : entries_) {
        if (!entry.busy) {
            shut_down(entry.socket);
        }
    }
}

bool ConnectionTracker::wait_until_closed(std::chrono::steady_clock::time_point deadline) {
    std::unique_lock lock(mutex_);
    return closed_.wait_until(lock, deadline, [this] { return entries_.empty(); });
}

std::size_t ConnectionTracker::abort_all() {
    std::lock_guard lock(mutex_);
    for (auto& entry : entries_) {
        shut_down(entry.socket);
    }
    return entries_.size();
}

std::size_t ConnectionTracker::open_connections() const {
    std::lock_guard lock(mutex_);
    return entries_.size();
}

void ConnectionTracker::shut_down(Poco::Net::StreamSocket& socket) noexcept {
    // shutdown(), not close(): the connection's thread still owns the descriptor and may be
    // blocked on it; shutdown wakes it with end-of-stream instead of yanking the fd away. On the
    // descriptor, not through StreamSocket::shutdown(): for a TLS connection that would run an SSL
    // shutdown on the SSL object the connection's thread may be using at this very moment, and
    // OpenSSL objects are not thread-safe. The descriptor stays open while the entry holds the
    // socket, and an error (already shut down, reset by the peer) leaves nothing to wake.
    ::shutdown(socket.impl()->sockfd(), SHUT_RDWR);
}

}  // namespace vergegrid::kernel::http
