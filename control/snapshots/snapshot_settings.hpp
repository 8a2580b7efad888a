// The [snapshots] settings the snapshot service and its background jobs follow
// (docs/configuration.md): the chunk limit of an upload, how long a save may take, the schedule of
// premium regions and the retention of each lifecycle.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace vergegrid::control {

// How many snapshots of one region retention keeps: the newest `keep_last` complete ones, and the
// newest complete one of each UTC day for `keep_daily_days` days.
struct RetentionRule {
    int keep_last = 0;
    int keep_daily_days = 0;
};

struct SnapshotSettings {
    std::string store = "filesystem";  // the snapshot_store plugin
    std::uint64_t max_chunk_bytes = 8ULL << 20;
    std::chrono::seconds save_timeout{3600};
    std::chrono::seconds schedule_interval{86'400};  // premium regions; 0 = no schedule
    std::chrono::seconds retention_interval{3600};
    RetentionRule ephemeral{1, 0};
    RetentionRule persistent{5, 7};
    RetentionRule premium{20, 30};

    const RetentionRule& retention(const std::string& lifecycle) const {
        if (lifecycle == "ephemeral") {
            return ephemeral;
        }
        return lifecycle == "premium" ? premium : persistent;
    }
};

}  // namespace vergegrid::control
