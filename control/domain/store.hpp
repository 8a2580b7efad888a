// The control plane's one way into storage. A query runs in a read transaction; a command runs
// in one read-write transaction with a Changes record: the events it records are handed to the
// event consumers (the audit trail first) inside that transaction, which then commits; only
// after the commit do its after-commit hooks run (ringing a simulator's doorbell for a change
// that was rolled back would make it pull for nothing). Any exception rolls everything back, so
// a command writes all of its rows and events or none.
//
// With a GroupCommit (docs/group-commit.md), concurrent commands and writes share one transaction,
// each in a savepoint of its own, and one COMMIT: still all of a command or none of it, and still
// acknowledged (returned) only after the COMMIT.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

#include "control/domain/domain_error.hpp"
#include "control/domain/domain_event.hpp"
#include "control/domain/event_consumer.hpp"
#include "control/domain/group_commit.hpp"
#include "kernel/services/active_slot.hpp"
#include "vergegrid/plugin_api/storage.hpp"

namespace vergegrid::control {

// Rollback hooks undo in-memory effects of work that did not commit: newest first, like the
// database undid the rows. They must not throw; one that does is skipped, not allowed to strand
// the callers of a shared commit.
inline void run_rollback_hooks(std::vector<std::function<void()>> hooks) noexcept {
    for (auto hook = hooks.rbegin(); hook != hooks.rend(); ++hook) {
        try {
            (*hook)();
        } catch (...) {
        }
    }
}

// One command's transaction: where it writes, who asked, what it changed, what follows the commit.
class Changes {
  public:
    Changes(plugin_api::StorageTransaction& tx, Actor actor) : tx_(&tx), actor_(std::move(actor)) {}

    plugin_api::StorageTransaction& tx() const { return *tx_; }
    const Actor& actor() const { return actor_; }

    void record(DomainEvent event) { events_.push_back(std::move(event)); }
    const std::vector<DomainEvent>& events() const { return events_; }
    std::vector<DomainEvent> take_events() { return std::move(events_); }

    // Runs once the transaction has committed; never when it rolled back.
    void after_commit(std::function<void()> hook) { after_commit_.push_back(std::move(hook)); }
    std::vector<std::function<void()>> take_after_commit() { return std::move(after_commit_); }

    // Runs when this command's work is rolled back (its own failure, or a shared transaction
    // that did not commit), before its caller is answered, newest first; never after a commit.
    // For in-memory state the work changed ahead of the commit (the grid cache). Must not throw.
    void on_rollback(std::function<void()> hook) { on_rollback_.push_back(std::move(hook)); }
    std::vector<std::function<void()>> take_on_rollback() { return std::move(on_rollback_); }
    void rolled_back() noexcept { run_rollback_hooks(take_on_rollback()); }

  private:
    plugin_api::StorageTransaction* tx_;
    Actor actor_;
    std::vector<DomainEvent> events_;
    std::vector<std::function<void()>> after_commit_;
    std::vector<std::function<void()>> on_rollback_;
};

// What a command returns: its result and the events it recorded, in order.
template <typename T>
struct Committed {
    T value;
    std::vector<DomainEvent> events;
};

template <>
struct Committed<void> {
    std::vector<DomainEvent> events;
};

using EventConsumers = std::vector<std::shared_ptr<EventConsumer>>;

class Store {
  public:
    // Cheap to copy: services hold their own copy; the slot must outlive them. `consumers` see
    // every command's events inside its transaction. `group_commit` (made for this slot; null:
    // one transaction per call) is shared by the copies.
    explicit Store(kernel::services::ActiveSlot<plugin_api::StorageBackend>& slot,
                   std::shared_ptr<const EventConsumers> consumers = {},
                   std::shared_ptr<GroupCommit> group_commit = {})
        : slot_(&slot), consumers_(std::move(consumers)), group_commit_(std::move(group_commit)) {}

    // A query: `work(StorageTransaction&)` in a read transaction.
    template <typename Work>
    auto read(Work&& work) const {
        auto storage = backend();
        return translate_storage_faults([&] {
            auto tx = storage->begin(plugin_api::Access::read);
            return work(*tx);
        });
    }

    // A command: `work(Changes&)` in one read-write transaction; returns Committed<result>.
    template <typename Work>
    auto command(Actor actor, Work&& work) const {
        using Result = std::invoke_result_t<Work&, Changes&>;
        if (group_commit_ && group_commit_->active()) {
            return command_grouped<Result>(actor, work);
        }
        auto storage = backend();
        std::vector<std::function<void()>> hooks;
        auto committed = translate_storage_faults([&] {
            auto tx = storage->begin(plugin_api::Access::read_write);
            Changes changes(*tx, std::move(actor));
            try {
                if constexpr (std::is_void_v<Result>) {
                    work(changes);
                    deliver(changes);
                    tx->commit();
                    hooks = changes.take_after_commit();
                    return Committed<void>{changes.take_events()};
                } else {
                    Result value = work(changes);
                    deliver(changes);
                    tx->commit();
                    hooks = changes.take_after_commit();
                    return Committed<Result>{std::move(value), changes.take_events()};
                }
            } catch (...) {
                changes.rolled_back();
                throw;
            }
        });
        for (auto& hook : hooks) {
            hook();
        }
        return committed;
    }

    // Writes that are not a domain change (a session's last-use time, a heartbeat's load
    // figures): `work(StorageTransaction&)` in a read-write transaction, no events.
    template <typename Work>
    auto write(Work&& work) const {
        if (group_commit_ && group_commit_->active()) {
            using Result = std::invoke_result_t<Work&, plugin_api::StorageTransaction&>;
            return write_grouped<Result>(work);
        }
        auto storage = backend();
        return translate_storage_faults([&] {
            auto tx = storage->begin(plugin_api::Access::read_write);
            if constexpr (std::is_void_v<decltype(work(*tx))>) {
                work(*tx);
                tx->commit();
            } else {
                auto result = work(*tx);
                tx->commit();
                return result;
            }
        });
    }

  private:
    template <typename Result, typename Work>
    auto command_grouped(const Actor& actor, Work& work) const {
        std::optional<std::conditional_t<std::is_void_v<Result>, bool, Result>> value;
        auto outcome = translate_storage_faults([&] {
            return group_commit_->run(actor, [&](Changes& changes) {
                if constexpr (std::is_void_v<Result>) {
                    work(changes);
                } else {
                    value.emplace(work(changes));
                }
                deliver(changes);
            });
        });
        for (auto& hook : outcome.after_commit) {
            hook();
        }
        if constexpr (std::is_void_v<Result>) {
            return Committed<void>{std::move(outcome.events)};
        } else {
            return Committed<Result>{std::move(*value), std::move(outcome.events)};
        }
    }

    template <typename Result, typename Work>
    auto write_grouped(Work& work) const {
        std::optional<std::conditional_t<std::is_void_v<Result>, bool, Result>> value;
        auto outcome = translate_storage_faults([&] {
            return group_commit_->run(Actor{}, [&](Changes& changes) {
                if constexpr (std::is_void_v<Result>) {
                    work(changes.tx());
                } else {
                    value.emplace(work(changes.tx()));
                }
            });
        });
        for (auto& hook : outcome.after_commit) {
            hook();
        }
        if constexpr (!std::is_void_v<Result>) {
            return std::move(*value);
        }
    }

    // The snapshot keeps the backend (and its plugin) alive for the whole transaction.
    std::shared_ptr<plugin_api::StorageBackend> backend() const {
        auto storage = slot_->get();
        if (!storage) {
            throw DomainError(Fault::unavailable, "storage_unavailable",
                              "storage is not available");
        }
        return storage;
    }

    void deliver(Changes& changes) const {
        if (!consumers_) {
            return;
        }
        for (const auto& event : changes.events()) {
            for (const auto& consumer : *consumers_) {
                consumer->consume(changes.tx(), changes.actor(), event);
            }
        }
    }

    template <typename Work>
    static auto translate_storage_faults(Work&& work) {
        try {
            return work();
        } catch (const plugin_api::StorageConflict&) {
            throw DomainError(Fault::conflict, "conflict", "the change conflicts with stored data");
        } catch (const plugin_api::StorageBusy&) {
            throw DomainError(Fault::unavailable, "storage_busy",
                              "storage is busy; retry the request");
        }
    }

    kernel::services::ActiveSlot<plugin_api::StorageBackend>* slot_;
    std::shared_ptr<const EventConsumers> consumers_;
    std::shared_ptr<GroupCommit> group_commit_;
};

}  // namespace vergegrid::control
