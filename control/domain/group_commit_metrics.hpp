// GET /metrics for group commit (docs/group-commit.md): the shared transactions run and the
// requests they carried, so that an operator (and a benchmark) sees the batch size a load gets:
// rate(vergegrid_group_commit_requests_total) / rate(vergegrid_group_commit_batches_total).
#pragma once

#include <memory>

#include "control/domain/group_commit.hpp"
#include "kernel/metrics/registry.hpp"

namespace vergegrid::control {

// Read on every scrape while `group` lives.
void collect_group_commit(kernel::metrics::Registry& registry,
                          std::weak_ptr<const GroupCommit> group);

}  // namespace vergegrid::control
