// Connections parked without a thread: long polls waiting for their answer, and plain-HTTP
// connections waiting for a complete request head (new ones, and keep-alive ones between
// requests). One reactor thread (epoll) watches every parked socket for the client leaving, for
// more input and for the deadline, and takes wake-ups from any thread; a few resume threads ask
// the Deferred again and write the answer. A connection whose head is complete in the kernel's
// receive buffer goes to the server's worker pool, which parses and serves it; one whose head does
// not complete within ServerSettings::head_timeout is answered 408 and closed. So a client sending
// its head slowly (slowloris) holds a descriptor, never a worker. Parked connections number at
// most ServerSettings::max_parked.
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
#include "kernel/http/server_session.hpp"

namespace vergegrid::kernel::http {

struct ServerContext;

// 503 shutting_down with Retry-After: what a long poll gets when the server stops under it.
Response shutting_down_answer();

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

    // Takes a plain-HTTP connection whose next request head is not complete yet (Poco buffered
    // none of it). `between_requests`: it is idle after a response and may wait the keep-alive
    // timeout before a head begins; otherwise (new connection) the head deadline runs from now.
    // On a refusal the caller still owns the connection (and closes it).
    Refusal await_head(const Poco::Net::StreamSocket& socket, bool between_requests);

    // TLS: a worker reads the handshake and the head (nothing to peek at). Shuts the socket's
    // descriptor down at `deadline` unless release_guard(id) came first, which ends the worker's
    // blocked read however slowly the bytes trickle. The socket must stay open until
    // release_guard().
    std::uint64_t guard(const Poco::Net::StreamSocket& socket,
                        std::chrono::steady_clock::time_point deadline);
    void release_guard(std::uint64_t id);

    // Long polls and the connections between requests after one (bounded by max_parked).
    std::size_t parked() const;
    // Connections waiting for a complete head (bounded by settings.max_idle_connections).
    std::size_t awaiting_head() const;

  private:
    // answer: a long poll; request: between requests, served by a resume thread (TLS, or input
    // Poco already buffered); head: waiting for a complete head, then handed to a worker.
    enum class Waiting { answer, request, head };
    enum class Reason { woken, deadline, input, none };
    struct Entry {
        std::uint64_t id = 0;
        Poco::Net::StreamSocket socket;
        std::unique_ptr<ParkableSession> session;  // none while a plain-HTTP poll waits
        std::shared_ptr<Deferred> deferred;
        PendingExchange pending;
        Waiting waiting = Waiting::answer;
        std::chrono::steady_clock::time_point deadline;
        bool in_epoll = false;
        bool head_begun = false;    // head: the head deadline runs (not the keep-alive timeout)
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
    void update_gauge_locked();
    bool watch_locked(const EntryPtr& entry);
    // With the mutex held: a head entry the reactor saw input on. Appends it to `ready` (for a
    // worker) or `gone` (to close) when it leaves the lot.
    void on_head_input_locked(const EntryPtr& entry, std::uint32_t flags,
                              std::vector<EntryPtr>& ready, std::vector<EntryPtr>& gone);
    void move_deadline_locked(Entry& entry, std::chrono::steady_clock::time_point deadline);
    // A head that did not complete in time: 408 when the client sent part of one, then close.
    void answer_head_timeout(Entry& entry) noexcept;
    void answer_stopping(Entry& entry) noexcept;
    bool has_buffered_input(Entry& entry) const;
    // The entry's session, made anew over its socket when it waited without one.
    ParkableSession& session_of(Entry& entry) const;

    ServerContext& context_;
    const std::size_t max_parked_;
    int epoll_fd_ = -1;
    int wake_fd_ = -1;  // eventfd: wakes the reactor for wake-ups and stop

    mutable std::mutex mutex_;
    std::unordered_map<std::uint64_t, EntryPtr> entries_;
    std::size_t heads_ = 0;  // entries waiting for a head
    // id -> descriptor and deadline
    std::unordered_map<std::uint64_t, std::pair<int, std::chrono::steady_clock::time_point>>
        guards_;
    std::set<std::pair<std::chrono::steady_clock::time_point, std::uint64_t>> guard_deadlines_;
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

    std::vector<char> peek_scratch_;  // the reactor's, for peek_head()

    std::thread reactor_;
    std::vector<std::thread> resumers_;
};

}  // namespace vergegrid::kernel::http
