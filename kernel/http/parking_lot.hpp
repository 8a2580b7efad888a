// Connections whose request is a long poll, parked without a thread. One reactor thread (epoll)
// watches every parked socket for the client leaving, for more input and for the deadline, and
// takes wake-ups from any thread; a few resume threads ask the Deferred again, write the answer
// and serve the connection's next requests as they arrive, parking it again between requests
// (keep-alive) instead of blocking on it. Parked connections do not hold a worker of the
// server's thread pool; their number is bounded by ServerSettings::max_parked.
#pragma once

#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/StreamSocket.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "kernel/http/exchange.hpp"

namespace vergegrid::kernel::http {

struct ServerContext;

// 503 shutting_down with Retry-After: what a long poll gets when the server stops under it.
Response shutting_down_answer();

// Poco's session, with a way to tell whether it already read bytes of a next request.
class ParkableSession final : public Poco::Net::HTTPServerSession {
  public:
    using Poco::Net::HTTPServerSession::HTTPServerSession;
    using Poco::Net::HTTPSession::buffered;
};

class ParkingLot : public std::enable_shared_from_this<ParkingLot> {
  public:
    // Starts the reactor and `resume_threads` resume threads. `context` must outlive stop().
    ParkingLot(ServerContext& context, std::size_t max_parked, int resume_threads);
    ~ParkingLot();
    ParkingLot(const ParkingLot&) = delete;
    ParkingLot& operator=(const ParkingLot&) = delete;

    enum class Refusal { none, full, stopping };
    // Takes a connection whose handler deferred its answer. On a refusal the caller still owns
    // the connection and answers it (503).
    Refusal park(Poco::Net::StreamSocket& socket, std::unique_ptr<ParkableSession>& session,
                 ExchangeResult& deferred);

    // Answers every waiting poll with 503 shutting_down (Connection: close), closes connections
    // idle between requests, and lets the resume threads finish what they hold; returns when
    // they have, or at `deadline` after shutting their sockets down. Idempotent.
    void stop(std::chrono::steady_clock::time_point deadline);

    std::size_t parked() const;

  private:
    enum class Waiting { answer, request };
    enum class Reason { woken, deadline, input, none };
    struct Entry {
        std::uint64_t id = 0;
        Poco::Net::StreamSocket socket;
        std::unique_ptr<ParkableSession> session;
        std::shared_ptr<Deferred> deferred;
        PendingExchange pending;
        Waiting waiting = Waiting::answer;
        std::chrono::steady_clock::time_point deadline;
        bool in_epoll = false;
        bool working = false;       // held by a resume thread
        bool wake_pending = false;  // woken while a resume thread held it
        Reason reason = Reason::none;
    };
    using EntryPtr = std::shared_ptr<Entry>;

    void arm(const EntryPtr& entry);
    void wake(std::uint64_t id);
    void run_reactor();
    void run_resumer();
    void serve(const EntryPtr& entry);
    // With the mutex held: back to the reactor (or straight to a resume thread when input is
    // already buffered or a wake came in meanwhile). Returns false when stopping: the caller
    // must close it (after answering a waiting poll).
    bool requeue_locked(const EntryPtr& entry);
    void dispatch_locked(const EntryPtr& entry, Reason reason);
    void unwatch_locked(Entry& entry);
    void forget_locked(const EntryPtr& entry);
    void answer_stopping(Entry& entry) noexcept;
    bool has_buffered_input(Entry& entry) const;

    ServerContext& context_;
    const std::size_t max_parked_;
    int epoll_fd_ = -1;
    int wake_fd_ = -1;  // eventfd: wakes the reactor for wake-ups and stop

    mutable std::mutex mutex_;
    std::unordered_map<std::uint64_t, EntryPtr> entries_;
    std::set<std::pair<std::chrono::steady_clock::time_point, std::uint64_t>> deadlines_;
    std::deque<EntryPtr> ready_;
    // Woken polls go first: their answer is what a caller waits for, while polls whose wait
    // ended and next requests can take a little longer (thousands may end at once).
    std::deque<EntryPtr> woken_ready_;
    std::condition_variable work_ready_;
    std::condition_variable idle_;  // a resume thread put something down
    std::size_t working_ = 0;
    std::uint64_t next_id_ = 1;
    bool stopping_ = false;
    bool exit_resumers_ = false;

    std::thread reactor_;
    std::vector<std::thread> resumers_;
};

}  // namespace vergegrid::kernel::http
