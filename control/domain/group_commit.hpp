// Group commit (docs/group-commit.md): concurrent commands share one read-write transaction and
// one COMMIT. A thread of its own, the committer, takes every queued request (up to a bound), runs
// each inside its own SAVEPOINT (a request that throws is rolled back to it and fails alone),
// commits once, and only then answers them; they run their after-commit hooks on their own
// threads. It takes the next batch straight away: waking a caller to lead each batch left the
// database idle while that thread waited for a CPU. A lone request into a database that had no
// batch for a while runs on its own thread instead, in a transaction of its own: no hand-over,
// and it never waits for company.
//
// When the batch as a whole cannot commit because the database says "retry" (StorageBusy: a lock
// timeout, deadlock or serialization failure, at COMMIT or in any request), every request of it is
// run again alone, one transaction each. Any other COMMIT failure fails every request of the
// batch with that error (the connection may have died after the database committed: running them
// again could apply them twice).
//
// A command issued from inside another command's work on the thread running the batch runs inline
// in a nested savepoint of the same transaction (queueing it would wait on itself); its
// after-commit and rollback hooks join the enclosing command's.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "control/domain/domain_event.hpp"
#include "kernel/services/active_slot.hpp"
#include "vergegrid/plugin_api/storage.hpp"

namespace vergegrid::control {

class Changes;

class GroupCommit {
  public:
    using Slot = kernel::services::ActiveSlot<plugin_api::StorageBackend>;
    using Body = std::function<void(Changes&)>;

    // What a committed request hands back to its caller.
    struct Outcome {
        std::vector<DomainEvent> events;
        std::vector<std::function<void()>> after_commit;  // empty for a nested request
    };

    struct Options {
        std::size_t max_batch = 64;  // the requests one COMMIT carries at most
        // How long a request waits in the queue for its batch to begin; beyond, it leaves the
        // queue unrun and gets StorageBusy (503 storage_busy). As long as the storage plugins
        // wait for a connection: a stuck batch answers its queue instead of holding it.
        std::chrono::milliseconds queue_timeout{10000};
        // Runs right before a shared COMMIT; what it throws fails the COMMIT as the database's
        // own error would (tests inject commit failures with it).
        std::function<void()> before_shared_commit;
    };

    // How long the database must have had no batch for a lone request to run its batch on its
    // own thread: under load the committer's next batch is never further off than this.
    static constexpr std::chrono::microseconds kQuietBeforeLeading{1000};

    // The slot must outlive the committer.
    explicit GroupCommit(Slot& slot);
    GroupCommit(Slot& slot, Options options);

    ~GroupCommit();
    GroupCommit(const GroupCommit&) = delete;
    GroupCommit& operator=(const GroupCommit&) = delete;

    // False once the storage plugin proved to predate savepoints (ABI 1.7): callers then take
    // the one-transaction-per-call path themselves. A request already queued still completes.
    bool active() const { return active_.load(std::memory_order_relaxed); }

    // Runs `body` in the shared transaction (or inline, when called from a batch's work on this
    // thread) and returns once its changes are committed. Rethrows what `body` threw, or the
    // error that failed the whole batch (StorageBusy, StorageError, DomainError
    // storage_unavailable); StorageBusy too when no batch took it within queue_timeout, and
    // then `body` never ran.
    Outcome run(const Actor& actor, const Body& body);

    // Counters for tests and the benchmark: transactions committed (or tried) by the committer and
    // the requests they carried, and the largest batch so far.
    std::uint64_t batches() const { return batches_.load(); }
    std::uint64_t requests() const { return requests_.load(); }
    std::size_t largest_batch() const { return largest_batch_.load(); }
    // Requests queued, the running batch's included.
    std::size_t queued() const;

  private:
    struct Request;
    struct Scope;

    // Starts the committer thread unless it runs; called with the lock held.
    void start_committer();
    // The committer thread: batch after batch while requests wait.
    void commit_batches();
    // Runs the queue's first requests (up to max_batch) as one batch and answers them; called
    // and returns with `lock` held, released while the batch runs.
    void run_front_batch(std::unique_lock<std::mutex>& lock);
    void execute(const std::vector<Request*>& batch);
    // False when the batch must be run again one request per transaction.
    bool execute_shared(const std::shared_ptr<plugin_api::StorageBackend>& storage,
                        const std::vector<Request*>& batch);
    void execute_alone(const std::shared_ptr<plugin_api::StorageBackend>& storage,
                       Request& request);
    Outcome run_nested(Scope& scope, const Actor& actor, const Body& body);

    Slot& slot_;
    const Options options_;
    std::atomic<bool> active_{true};

    mutable std::mutex mutex_;
    std::deque<Request*> queue_;  // the batch being run stays queued, at the front
    std::condition_variable work_;
    bool running_ = false;
    bool stopping_ = false;
    std::thread committer_;  // started by the first request that has to wait
    std::chrono::steady_clock::time_point last_batch_end_{};

    std::atomic<std::uint64_t> batches_{0};
    std::atomic<std::uint64_t> requests_{0};
    std::atomic<std::size_t> largest_batch_{0};
};

}  // namespace vergegrid::control
