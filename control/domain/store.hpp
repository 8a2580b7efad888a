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

#include "control/domain/changes.hpp"
#include "control/domain/domain_error.hpp"
#include "control/domain/domain_event.hpp"
#include "control/domain/event_consumer.hpp"
#include "control/domain/group_commit.hpp"
#include "control/domain/storage_timings.hpp"
#include "kernel/services/active_slot.hpp"
#include "vergegrid/plugin_api/storage.hpp"

namespace vergegrid::control {

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
    // one transaction per call) is shared by the copies. `timings` (null: none) times every
    // query, command and write for GET /metrics.
    explicit Store(kernel::services::ActiveSlot<plugin_api::StorageBackend>& slot,
                   std::shared_ptr<const EventConsumers> consumers = {},
                   std::shared_ptr<GroupCommit> group_commit = {},
                   std::shared_ptr<const StorageTimings> timings = {})
        : slot_(&slot),
          consumers_(std::move(consumers)),
          group_commit_(std::move(group_commit)),
          timings_(std::move(timings)) {}

    // A query: `work(StorageTransaction&)` in a read transaction.
    template <typename Work>
    auto read(Work&& work) const {
        const StorageTimings::Scope timed(timings_.get(), plugin_api::Access::read);
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
        const StorageTimings::Scope timed(timings_.get(), plugin_api::Access::read_write);
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
        const StorageTimings::Scope timed(timings_.get(), plugin_api::Access::read_write);
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
                consumer->consume(changes, event);
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
    std::shared_ptr<const StorageTimings> timings_;
};

}  // namespace vergegrid::control
