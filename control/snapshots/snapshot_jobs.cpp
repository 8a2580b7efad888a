// The snapshot service's background work, run on time by SnapshotJobRunner: retention per
// lifecycle, the premium schedule, and saves that never end. Each change is a command under the
// job's system actor, audited like any other.
#include <set>

#include "control/common/clock.hpp"
#include "control/common/extensions.hpp"
#include "control/snapshots/snapshot_json.hpp"
#include "control/snapshots/snapshot_ledger.hpp"
#include "control/snapshots/snapshot_service.hpp"
#include "control/snapshots/snapshot_steps.hpp"

namespace vergegrid::control {

using plugin_api::Snapshot;
using plugin_api::StorageTransaction;

namespace {

constexpr int kPage = 200;
constexpr long kDay = 86'400;

// Every snapshot the filter selects, newest first.
std::vector<Snapshot> all_snapshots(plugin_api::SnapshotLedger& ledger,
                                    const plugin_api::SnapshotFilter& filter) {
    std::vector<Snapshot> all;
    std::string created_at;
    std::string id;
    for (;;) {
        auto page = ledger.list_snapshots(filter, created_at, id, kPage);
        all.insert(all.end(), page.begin(), page.end());
        if (static_cast<int>(page.size()) < kPage) {
            return all;
        }
        created_at = page.back().created_at;
        id = page.back().id;
    }
}

std::vector<Snapshot> in_flight_snapshots(plugin_api::SnapshotLedger& ledger) {
    auto found = all_snapshots(ledger, {"", "pending", ""});
    auto saving = all_snapshots(ledger, {"", "saving", ""});
    found.insert(found.end(), saving.begin(), saving.end());
    return found;
}

// The ids retention lets go of, from one region's snapshots (newest first): complete ones beyond
// the newest `keep_last` and the newest of each of the last `keep_daily_days` days (the newest
// complete one of a deleted region always stays), failed ones older than a day.
std::vector<std::string> expired(const std::vector<Snapshot>& snapshots, const RetentionRule& rule,
                                 bool region_gone, const std::string& now) {
    std::vector<std::string> doomed;
    std::set<std::string> days_kept;
    int complete_seen = 0;
    for (const auto& snapshot : snapshots) {
        const long age = seconds_between(snapshot.created_at, now);
        if (snapshot.state == "failed") {
            if (age > kDay) {
                doomed.push_back(snapshot.id);
            }
            continue;
        }
        if (snapshot.state != "complete") {
            continue;
        }
        ++complete_seen;
        const bool newest = complete_seen == 1;
        const bool in_last = complete_seen <= rule.keep_last;
        const auto day = snapshot.created_at.substr(0, 10);
        const bool daily = age < rule.keep_daily_days * kDay && days_kept.insert(day).second;
        if (!(in_last || daily || (newest && region_gone))) {
            doomed.push_back(snapshot.id);
        }
    }
    return doomed;
}

}  // namespace

int SnapshotService::expire(const std::string& now) const {
    if (!deps_.blobs) {
        return 0;
    }
    int expired_count = 0;
    std::string after;
    for (;;) {
        const auto ids = deps_.store.read([&](StorageTransaction& tx) {
            return snapshot_ledger(tx).list_snapshot_region_ids(after, kPage);
        });
        for (const auto& id : ids) {
            expired_count += expire_region(id, now);
        }
        if (static_cast<int>(ids.size()) < kPage) {
            return expired_count;
        }
        after = ids.back();
    }
}

int SnapshotService::expire_region(const std::string& region_id, const std::string& now) const {
    std::vector<std::string> gone_blobs;
    const auto committed =
        deps_.store.command(Actor{kSnapshotRetentionActor, ""}, [&](Changes& changes) {
            auto& tx = changes.tx();
            auto& ledger = snapshot_ledger(tx);
            const auto snapshots = all_snapshots(ledger, {region_id, "", ""});
            const bool gone = !tx.find_region(region_id).has_value();
            const auto policy = ledger.find_region_state_policy(region_id);
            // A deleted region's lifecycle is the one its newest snapshot recorded.
            const std::string lifecycle =
                policy ? policy->lifecycle
                       : (snapshots.empty() ? "persistent" : snapshots.front().lifecycle);
            int count = 0;
            for (const auto& id :
                 expired(snapshots, deps_.settings.retention(lifecycle), gone, now)) {
                const auto snapshot = ledger.find_snapshot(id);
                ledger.delete_snapshot(id);
                if (!snapshot->sha256.empty() &&
                    ledger.count_snapshots_with_sha256(snapshot->sha256) == 0) {
                    gone_blobs.push_back(snapshot->sha256);
                }
                changes.record(
                    {"snapshot.expire", "snapshot", id, snapshot_to_json(*snapshot), nullptr});
                ++count;
            }
            return count;
        });
    // After the commit: the records are gone for good, so may the bytes be.
    for (const auto& sha256 : gone_blobs) {
        deps_.blobs->remove(sha256);
    }
    return committed.value;
}

int SnapshotService::schedule(const std::string& now) const {
    const auto interval = static_cast<long>(deps_.settings.schedule_interval.count());
    if (interval == 0 || !deps_.blobs) {
        return 0;
    }
    // A simulator saves one region at a time: one already saving takes no scheduled save.
    std::set<std::string> busy;
    deps_.store.read([&](StorageTransaction& tx) {
        for (const auto& snapshot : in_flight_snapshots(snapshot_ledger(tx))) {
            busy.insert(snapshot.simulator_id);
        }
    });
    int taken = 0;
    std::string after;
    for (;;) {
        const auto policies = deps_.store.read([&](StorageTransaction& tx) {
            return snapshot_ledger(tx).list_region_state_policies("premium", after, kPage);
        });
        for (const auto& policy : policies) {
            const auto done =
                deps_.store.command(Actor{kSnapshotScheduleActor, ""}, [&](Changes& changes) {
                    auto& tx = changes.tx();
                    const auto region = tx.find_region(policy.region_id);
                    if (!region || region->placement.simulator_id.empty() ||
                        busy.count(region->placement.simulator_id) != 0) {
                        return false;
                    }
                    const auto simulator =
                        access_store(tx).find_simulator(region->placement.simulator_id);
                    if (!simulator || simulator->state != "online") {
                        return false;
                    }
                    const SnapshotSteps steps(changes, deps_);
                    const auto newest =
                        steps.ledger().list_snapshots({region->uuid, "", ""}, "", "", 1);
                    if (!newest.empty() && seconds_between(newest[0].created_at, now) < interval) {
                        return false;
                    }
                    steps.begin(*region, steps.parts_for(*region, std::nullopt), "scheduled", "",
                                nullptr);
                    busy.insert(region->placement.simulator_id);
                    return true;
                });
            taken += done.value ? 1 : 0;
        }
        if (static_cast<int>(policies.size()) < kPage) {
            return taken;
        }
        after = policies.back().region_id;
    }
}

int SnapshotService::fail_stalled(const std::string& now) const {
    const auto timeout = static_cast<long>(deps_.settings.save_timeout.count());
    // Decided and ended in one command, so a save completing meanwhile is never failed.
    return deps_.store
        .command(Actor{kSnapshotWatchActor, ""},
                 [&](Changes& changes) {
                     auto& tx = changes.tx();
                     const SnapshotSteps steps(changes, deps_);
                     int failed = 0;
                     for (const auto& snapshot : in_flight_snapshots(steps.ledger())) {
                         const auto simulator =
                             access_store(tx).find_simulator(snapshot.simulator_id);
                         std::string failure;
                         if (!simulator || simulator->state == "offline" ||
                             simulator->state == "revoked") {
                             failure = "the simulator went offline before the archive was whole";
                         } else if (seconds_between(snapshot.updated_at, now) > timeout) {
                             failure = "no archive within snapshots.save_timeout_s (" +
                                       std::to_string(timeout) + " s)";
                         }
                         if (!failure.empty()) {
                             steps.fail(snapshot, failure);
                             ++failed;
                         }
                     }
                     return failed;
                 })
        .value;
}

}  // namespace vergegrid::control
