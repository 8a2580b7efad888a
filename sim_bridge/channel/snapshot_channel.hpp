// What the snapshot worker needs of the control plane: the archive's bytes up and down, and
// progress. ControlChannel in the daemon; a store in a folder in the tests.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "sim_channel_client/snapshot_transfer.hpp"

namespace vergegrid::bridge {

// What the worker needs of the control plane; ControlChannel in the daemon.
class SnapshotChannel {
  public:
    virtual ~SnapshotChannel() = default;
    // Throw (sim_channel::TransferError or another std::exception) with a message to report.
    virtual void upload_snapshot(const std::string& snapshot_id, const std::filesystem::path& file,
                                 const std::string& sha256,
                                 const sim_channel::TransferProgress& progress) = 0;
    virtual void download_snapshot(const std::string& snapshot_id,
                                   const std::filesystem::path& file, std::uint64_t size,
                                   const sim_channel::TransferProgress& progress) = 0;
    virtual void report_progress(std::int64_t operation_id,
                                 const sim_channel::OperationProgress& progress) = 0;
};

}  // namespace vergegrid::bridge
