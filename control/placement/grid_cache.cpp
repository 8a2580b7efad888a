#include "control/placement/grid_cache.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <vector>

#include "control/common/extensions.hpp"
#include "control/placement/grid_load.hpp"
#include "vergegrid/plugin_api/storage_grid_changes.hpp"
#include "vergegrid/plugin_api/storage_migrations.hpp"

namespace vergegrid::control {

namespace api = plugin_api;

// One transaction's use of the cache: what to forget should it roll back.
struct GridCache::Context {
    const Changes* changes = nullptr;
    std::int64_t generation_before = 0;
    std::set<std::string> read_regions;
    std::set<std::string> read_simulators;
    std::set<std::string> read_migrations;
    bool loaded_fully = false;
    bool closed = false;
};

namespace {

api::GridChangeLog* change_log(api::StorageTransaction& tx) {
    return dynamic_cast<api::GridChangeLog*>(&tx);
}

}  // namespace

GridState& GridCache::lease(Changes& changes) {
    std::lock_guard lock(mutex_);
    if (!current_ || current_->changes != &changes) {
        if (current_ && !current_->closed) {
            // The previous transaction committed (its hook may not have run yet) or, under a
            // group commit, is an earlier request of this same transaction.
            close(*current_);
        }
        auto context = std::make_shared<Context>();
        context->changes = &changes;
        context->generation_before = generation_;
        current_ = context;
        changes.after_commit([this, context] {
            std::lock_guard lock(mutex_);
            if (!context->closed) {
                close(*context);
            }
            if (current_ == context) {
                current_.reset();
            }
        });
        changes.on_rollback([this, context] {
            std::lock_guard lock(mutex_);
            if (!context->closed) {
                close(*context);
            }
            rolled_back(*context);
            if (current_ == context) {
                current_.reset();
            }
        });
        state_.take_journal();
    } else {
        // A second lease in one transaction (a batch) sees storage as it is now, like a full load
        // would: what the first decision assumed is undone or read again.
        undo_journal();
    }
    sync(changes);
    state_.start_journal();
    return state_;
}

PlacementIndex* GridCache::ranked(const std::shared_ptr<api::PlacementPolicy>& policy,
                                  const std::string& name, PortRange ports) {
    std::lock_guard lock(mutex_);
    const auto* indexed = dynamic_cast<const api::IndexedPlacementPolicy*>(policy.get());
    if (indexed == nullptr) {
        return nullptr;
    }
    if (!ranked_ || ranked_policy_ != policy || ranked_name_ != name ||
        ranked_ports_.low != ports.low || ranked_ports_.high != ports.high) {
        ranked_ = std::make_unique<PlacementIndex>(*indexed, name, state_, ports);
        ranked_policy_ = policy;
        ranked_name_ = name;
        ranked_ports_ = ports;
    } else {
        ranked_->refresh();
    }
    return ranked_.get();
}

void GridCache::sync(Changes& changes) {
    auto& tx = changes.tx();
    auto* log = change_log(tx);
    if (log == nullptr) {
        load_fully(changes);
        loaded_ = false;  // nothing tells what changes next: read it all every time
        return;
    }
    const std::int64_t now = log->lock_grid_generation();
    if (!loaded_) {
        load_fully(changes);
        generation_ = now;
        return;
    }
    if (now != generation_) {
        const auto found = log->grid_changes_since(generation_);
        if (found.pruned) {
            load_fully(changes);
            generation_ = now;
            return;
        }
        for (const auto& change : found.changes) {
            if (change.kind == "region") {
                stale_regions_.insert(change.entity_id);
            } else if (change.kind == "simulator") {
                stale_simulators_.insert(change.entity_id);
            } else {
                stale_migrations_.insert(change.entity_id);
            }
        }
    }
    Context& context = *current_;
    if (!stale_simulators_.empty()) {
        auto& access = access_store(tx);
        for (const auto& id : stale_simulators_) {
            const auto simulator = access.find_simulator(id);
            if (!simulator) {
                continue;  // simulators are never deleted (revoked instead)
            }
            const bool fresh = state_.find_simulator(id) == nullptr;
            state_.put_simulator(*simulator);
            for (const auto& [migration, held] : reservations_) {
                if (fresh && held.simulator_id == id) {
                    // Its port was held already; now the slot counts on the simulator too.
                    state_.unreserve("", held.host, held.port);
                    state_.reserve(id, held.host, held.port);
                }
            }
            context.read_simulators.insert(id);
        }
        stale_simulators_.clear();
    }
    if (!stale_regions_.empty()) {
        const std::vector<std::string> ids(stale_regions_.begin(), stale_regions_.end());
        for (const auto& id : ids) {
            state_.remove(id);
        }
        for (const auto& footprint : log->find_region_footprints(ids)) {
            state_.add(footprint);
        }
        context.read_regions.insert(ids.begin(), ids.end());
        stale_regions_.clear();
    }
    if (!stale_migrations_.empty()) {
        auto* ledger = dynamic_cast<api::MigrationLedger*>(&tx);
        for (const auto& id : stale_migrations_) {
            if (auto held = reservations_.find(id); held != reservations_.end()) {
                state_.unreserve(held->second.simulator_id, held->second.host, held->second.port);
                reservations_.erase(held);
            }
            const auto migration = ledger == nullptr ? std::nullopt : ledger->find_migration(id);
            if (migration && holds_reservation(*migration)) {
                state_.reserve(migration->target_simulator_id, migration->target_host,
                               migration->target_port);
                reservations_[id] = {migration->target_simulator_id, migration->target_host,
                                     migration->target_port};
            }
            context.read_migrations.insert(id);
        }
        stale_migrations_.clear();
    }
    generation_ = now;
}

void GridCache::load_fully(Changes& changes) {
    state_ = load_grid_state(changes.tx(), reservations_);
    loaded_ = true;
    stale_regions_.clear();
    stale_simulators_.clear();
    stale_migrations_.clear();
    current_->loaded_fully = true;
    ++full_loads_;
}

void GridCache::undo_journal() {
    // Reservations a transaction made on the state are scratch (a move's own reservation comes
    // back from storage as its migration row); regions it added or removed are read again, so the
    // state holds what storage holds, not what the transaction assumed.
    const auto journal = state_.take_journal();
    for (const auto& held : journal.reservations) {
        state_.unreserve(held.simulator_id, held.host, held.port);
    }
    stale_regions_.insert(journal.regions.begin(), journal.regions.end());
}

void GridCache::close(Context& context) {
    if (current_.get() == &context) {
        undo_journal();
    }
    context.closed = true;
}

void GridCache::rolled_back(Context& context) {
    // What was read inside the transaction may have been its own writes, now gone.
    generation_ = std::min(generation_, context.generation_before);
    stale_regions_.insert(context.read_regions.begin(), context.read_regions.end());
    stale_simulators_.insert(context.read_simulators.begin(), context.read_simulators.end());
    stale_migrations_.insert(context.read_migrations.begin(), context.read_migrations.end());
    if (context.loaded_fully) {
        loaded_ = false;
    }
}

bool GridCache::confirm(Changes& changes, const PlacedRegion& region, const Decided& decided) {
    auto& tx = changes.tx();
    auto* log = change_log(tx);
    if (log == nullptr) {
        return true;  // read in full inside this transaction: nothing to be stale
    }
    std::string why;
    if (decided.port && !region.host.empty() && region.port > 0 &&
        tx.find_region_by_host_port(region.host, region.port, region.uuid)) {
        why = "port " + std::to_string(region.port) + " on " + region.host + " is taken";
    }
    if (why.empty() && decided.cells &&
        !tx.find_regions_overlapping(region.loc_x, region.loc_y,
                                     region.loc_x + map_cells_of(region.size_x),
                                     region.loc_y + map_cells_of(region.size_y), region.uuid)
             .empty()) {
        why = "the cells at <" + std::to_string(region.loc_x) + "," + std::to_string(region.loc_y) +
              "> are taken";
    }
    if (why.empty() && decided.simulator && !region.simulator_id.empty()) {
        std::lock_guard lock(mutex_);
        const auto stored = access_store(tx).find_simulator(region.simulator_id);
        const auto* known = state_.find_simulator(region.simulator_id);
        if (!stored || known == nullptr) {
            why = "simulator " + region.simulator_id + " is not known alike";
        } else if (stored->state != known->state || stored->capacity != known->capacity ||
                   stored->labels != known->labels || stored->hostname != known->hostname) {
            why = "simulator " + region.simulator_id + " changed";
        } else {
            int held = log->count_regions_on_simulator(region.simulator_id);
            for (const auto& [migration, reservation] : reservations_) {
                held += reservation.simulator_id == region.simulator_id ? 1 : 0;
            }
            if (held != known->region_count - (decided.reserved ? 1 : 0)) {
                why = "simulator " + region.simulator_id + " holds " + std::to_string(held) +
                      " regions, not " + std::to_string(known->region_count);
            }
        }
    }
    if (why.empty()) {
        return true;
    }
    spdlog::warn("placement: the grid cache was stale ({}); reading the whole grid again", why);
    ++stale_;
    std::lock_guard lock(mutex_);
    state_.take_journal();
    load_fully(changes);
    generation_ = log->lock_grid_generation();
    state_.start_journal();
    return false;
}

}  // namespace vergegrid::control
