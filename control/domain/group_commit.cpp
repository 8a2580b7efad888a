#include "control/domain/group_commit.hpp"

#include <algorithm>
#include <string>
#include <thread>
#include <utility>

#include "control/domain/domain_error.hpp"
#include "control/domain/store.hpp"
#include "vergegrid/plugin_api/storage_savepoints.hpp"

namespace vergegrid::control {

namespace api = plugin_api;

namespace {

constexpr const char* kRequestSavepoint = "vg_request";

}  // namespace

struct GroupCommit::Request {
    const Actor* actor;
    const Body* body;
    std::condition_variable wake;
    bool done = false;   // under the committer's mutex
    bool taken = false;  // part of a running batch (under the mutex): it will be done
    std::exception_ptr error;
    Outcome outcome;
    std::vector<std::function<void()>> on_rollback;  // of work released into the batch
};

// The transaction the current thread is running a batch (or a lone request) in.
struct GroupCommit::Scope {
    GroupCommit* owner;
    api::StorageTransaction* tx;
    api::SavepointStore* savepoints;  // null: an old plugin, nested work runs without one
    Changes* enclosing;               // the request whose work is running
    int depth = 0;
};

namespace {

thread_local void* current_scope = nullptr;

class ScopeGuard {
  public:
    explicit ScopeGuard(void* scope) : previous_(current_scope) { current_scope = scope; }
    ~ScopeGuard() { current_scope = previous_; }
    ScopeGuard(const ScopeGuard&) = delete;
    ScopeGuard& operator=(const ScopeGuard&) = delete;

  private:
    void* previous_;
};

}  // namespace

GroupCommit::GroupCommit(Slot& slot) : GroupCommit(slot, Options{}) {}

GroupCommit::GroupCommit(Slot& slot, Options options) : slot_(slot), options_(std::move(options)) {}

GroupCommit::Outcome GroupCommit::run(const Actor& actor, const Body& body) {
    if (auto* scope = static_cast<Scope*>(current_scope); scope && scope->owner == this) {
        return run_nested(*scope, actor, body);
    }
    Request request;
    request.actor = &actor;
    request.body = &body;
    std::unique_lock lock(mutex_);
    queue_.push_back(&request);
    if (!running_ && queue_.size() == 1 &&
        std::chrono::steady_clock::now() - last_batch_end_ >= kQuietBeforeLeading) {
        // Into a quiet database: run it here, with no hand-over to the committer and back (a
        // pinned create's wake of its simulator's poll waited for both).
        run_front_batch(lock);
        if (!queue_.empty()) {
            start_committer();  // for those who queued meanwhile
            work_.notify_one();
        }
        lock.unlock();
        if (request.error) {
            std::rethrow_exception(request.error);
        }
        return std::move(request.outcome);
    }
    start_committer();
    if (!running_) {
        work_.notify_one();
    }
    const auto done = [&] { return request.done; };
    if (!request.wake.wait_for(lock, options_.queue_timeout, done)) {
        if (!request.taken) {
            queue_.erase(std::find(queue_.begin(), queue_.end(), &request));
            throw api::StorageBusy("waited " + std::to_string(options_.queue_timeout.count()) +
                                   " ms for a shared commit");
        }
        request.wake.wait(lock, done);  // its batch is running: the answer comes
    }
    lock.unlock();
    if (request.error) {
        std::rethrow_exception(request.error);
    }
    return std::move(request.outcome);
}

GroupCommit::~GroupCommit() {
    std::thread committer;
    {
        const std::lock_guard lock(mutex_);
        stopping_ = true;
        work_.notify_one();
        committer = std::move(committer_);
    }
    if (committer.joinable()) {
        committer.join();
    }
}

void GroupCommit::start_committer() {
    if (!committer_.joinable()) {
        committer_ = std::thread([this] { commit_batches(); });
    }
}

void GroupCommit::commit_batches() {
    std::unique_lock lock(mutex_);
    for (;;) {
        // Not while a lone request runs its own batch: it wakes this thread when it is done.
        work_.wait(lock, [this] { return stopping_ || (!running_ && !queue_.empty()); });
        if (running_ || queue_.empty()) {
            return;  // stopping, and nobody waits for this thread
        }
        run_front_batch(lock);
    }
}

void GroupCommit::run_front_batch(std::unique_lock<std::mutex>& lock) {
    const std::size_t size = std::min(queue_.size(), std::max<std::size_t>(options_.max_batch, 1));
    const std::vector<Request*> batch(queue_.begin(),
                                      queue_.begin() + static_cast<std::ptrdiff_t>(size));
    for (auto* member : batch) {
        member->taken = true;
    }
    running_ = true;
    lock.unlock();
    execute(batch);
    lock.lock();
    running_ = false;
    last_batch_end_ = std::chrono::steady_clock::now();
    for (auto* member : batch) {
        queue_.pop_front();
        member->done = true;
        member->wake.notify_one();
    }
}

std::size_t GroupCommit::queued() const {
    const std::lock_guard lock(mutex_);
    return queue_.size();
}

void GroupCommit::execute(const std::vector<Request*>& batch) {
    batches_.fetch_add(1);
    requests_.fetch_add(batch.size());
    std::size_t largest = largest_batch_.load();
    while (batch.size() > largest && !largest_batch_.compare_exchange_weak(largest, batch.size())) {
    }
    try {
        auto storage = slot_.get();
        if (!storage) {
            throw DomainError(Fault::unavailable, "storage_unavailable",
                              "storage is not available");
        }
        if (batch.size() == 1 || !execute_shared(storage, batch)) {
            for (auto* request : batch) {
                execute_alone(storage, *request);
            }
        }
    } catch (...) {
        // Never leave a caller without an answer.
        for (auto* request : batch) {
            request->outcome = {};
            request->error = std::current_exception();
        }
    }
}

bool GroupCommit::execute_shared(const std::shared_ptr<api::StorageBackend>& storage,
                                 const std::vector<Request*>& batch) {
    auto tx = storage->begin(api::Access::read_write);
    auto* savepoints = dynamic_cast<api::SavepointStore*>(tx.get());
    if (!savepoints) {
        active_.store(false);
        return false;
    }
    Scope scope{this, tx.get(), savepoints, nullptr};
    const ScopeGuard guard(&scope);
    const StorageExtensions extensions(*tx);
    std::vector<Request*> released;
    auto undo_released = [&] {
        for (auto request = released.rbegin(); request != released.rend(); ++request) {
            run_rollback_hooks(std::move((*request)->on_rollback));
            (*request)->outcome = {};
        }
    };
    for (auto* request : batch) {
        Changes changes(*tx, extensions, *request->actor);
        scope.enclosing = &changes;
        try {
            savepoints->savepoint(kRequestSavepoint);
            (*request->body)(changes);
            savepoints->release(kRequestSavepoint);
        } catch (const api::StorageBusy&) {
            run_rollback_hooks(changes.take_on_rollback());
            undo_released();
            return false;
        } catch (...) {
            request->error = std::current_exception();
            run_rollback_hooks(changes.take_on_rollback());
            try {
                savepoints->rollback_to(kRequestSavepoint);
                savepoints->release(kRequestSavepoint);
            } catch (...) {
                undo_released();
                return false;  // the database lost the savepoint: no request of it can commit
            }
            continue;
        }
        request->outcome = {changes.take_events(), changes.take_after_commit()};
        request->on_rollback = changes.take_on_rollback();
        released.push_back(request);
    }
    try {
        if (options_.before_shared_commit) {
            options_.before_shared_commit();
        }
        tx->commit();
    } catch (const api::StorageBusy&) {
        undo_released();
        return false;
    } catch (...) {
        undo_released();
        for (auto* request : released) {
            request->error = std::current_exception();
        }
    }
    for (auto* request : batch) {
        request->on_rollback.clear();
    }
    return true;
}

void GroupCommit::execute_alone(const std::shared_ptr<api::StorageBackend>& storage,
                                Request& request) {
    request.error = nullptr;
    request.outcome = {};
    try {
        auto tx = storage->begin(api::Access::read_write);
        Changes changes(*tx, *request.actor);
        Scope scope{this, tx.get(), dynamic_cast<api::SavepointStore*>(tx.get()), &changes};
        const ScopeGuard guard(&scope);
        try {
            (*request.body)(changes);
            tx->commit();
        } catch (...) {
            run_rollback_hooks(changes.take_on_rollback());
            throw;
        }
        request.outcome = {changes.take_events(), changes.take_after_commit()};
    } catch (...) {
        request.error = std::current_exception();
    }
}

GroupCommit::Outcome GroupCommit::run_nested(Scope& scope, const Actor& actor, const Body& body) {
    Changes changes(*scope.tx, actor);
    Changes* enclosing = scope.enclosing;
    const std::string name = "vg_nested_" + std::to_string(++scope.depth);
    struct Restore {
        Scope& scope;
        Changes* enclosing;
        ~Restore() {
            scope.enclosing = enclosing;
            --scope.depth;
        }
    } restore{scope, enclosing};
    if (scope.savepoints) {
        scope.savepoints->savepoint(name);
    }
    scope.enclosing = &changes;
    try {
        body(changes);
        if (scope.savepoints) {
            scope.savepoints->release(name);
        }
    } catch (...) {
        run_rollback_hooks(changes.take_on_rollback());
        if (scope.savepoints) {
            scope.savepoints->rollback_to(name);  // when it throws, that error fails the batch
            scope.savepoints->release(name);
        }
        throw;
    }
    for (auto& hook : changes.take_after_commit()) {
        enclosing->after_commit(std::move(hook));
    }
    for (auto& hook : changes.take_on_rollback()) {
        enclosing->on_rollback(std::move(hook));
    }
    return {changes.take_events(), {}};
}

}  // namespace vergegrid::control
