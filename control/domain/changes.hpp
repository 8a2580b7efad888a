// One command's transaction: where it writes, who asked, the events it recorded, and the hooks
// that run after its COMMIT or its rollback (control/domain/store.hpp runs them).
#pragma once

#include <functional>
#include <utility>
#include <vector>

#include "control/domain/domain_event.hpp"
#include "vergegrid/plugin_api/storage_events.hpp"
#include "vergegrid/plugin_api/storage_transaction.hpp"

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

// The storage extensions that every audited change uses, null where the plugin has none. Found
// once per transaction and shared by the requests of a group commit: a dynamic_cast across a
// storage transaction's many interfaces costs ~2 k instructions (docs/benchmarks.md).
struct StorageExtensions {
    explicit StorageExtensions(plugin_api::StorageTransaction& tx)
        : outbox(dynamic_cast<plugin_api::EventOutbox*>(&tx)),
          audit_chain(dynamic_cast<plugin_api::AuditChain*>(&tx)) {}
    plugin_api::EventOutbox* outbox;
    plugin_api::AuditChain* audit_chain;
};

// One command's transaction: where it writes, who asked, what it changed, what follows the commit.
class Changes {
  public:
    Changes(plugin_api::StorageTransaction& tx, Actor actor)
        : Changes(tx, StorageExtensions(tx), std::move(actor)) {}
    // `extensions` must be those of `tx`.
    Changes(plugin_api::StorageTransaction& tx, const StorageExtensions& extensions, Actor actor)
        : tx_(&tx), extensions_(extensions), actor_(std::move(actor)) {}

    plugin_api::StorageTransaction& tx() const { return *tx_; }
    const StorageExtensions& extensions() const { return extensions_; }
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
    StorageExtensions extensions_;
    Actor actor_;
    std::vector<DomainEvent> events_;
    std::vector<std::function<void()>> after_commit_;
    std::vector<std::function<void()>> on_rollback_;
};

}  // namespace vergegrid::control
