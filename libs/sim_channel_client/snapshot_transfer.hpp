// The bridge's side of the snapshot wire (docs/snapshots.md, "The simulator's side of the wire"):
// an archive uploaded in chunks with resume, downloaded in ranges with resume, and operation
// progress. Memory stays one chunk however large the archive: bytes go file -> buffer -> socket
// and socket -> 256 KiB buffer -> file.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>

#include "sim_channel_client/channel_client.hpp"

namespace vergegrid::sim_channel {

struct TransferSettings {
    // Bytes per PUT: at most the control plane's snapshots.max_chunk_bytes (default 8 MiB). A
    // 413 halves it (down to 64 KiB) rather than failing.
    std::size_t chunk_bytes = 8 << 20;
    // A PUT whose connection breaks is sent again at half the size, down to this: a server that
    // refuses a body over its limit without reading it (vergegrid-control does: 413 before the
    // body) shows up as a broken connection, not as a 413 the bridge could read. Halvings do not
    // count against max_retries.
    std::size_t smallest_chunk_after_break = 1 << 20;
    // Bytes per ranged GET of a download.
    std::uint64_t range_bytes = 64 << 20;
    // Broken connections survived per transfer (each resumes where the server says it stands).
    int max_retries = 5;
    std::chrono::milliseconds retry_delay{1000};
    // Each send and receive of a transfer request: the chunk that ends an upload waits while the
    // control plane checks the whole archive's SHA-256.
    std::chrono::milliseconds request_timeout{300'000};
};

// The control plane refused the transfer (or the transfer could not go on): the HTTP status
// (0 when the connection kept breaking) and the error code of the body, if any.
class TransferError : public std::runtime_error {
  public:
    TransferError(int status, std::string code, const std::string& message)
        : std::runtime_error(message), status_(status), code_(std::move(code)) {}
    int status() const noexcept { return status_; }
    const std::string& code() const noexcept { return code_; }

  private:
    int status_;
    std::string code_;
};

// Bytes moved so far and the archive's size.
using TransferProgress = std::function<void(std::uint64_t done, std::uint64_t total)>;

struct OperationProgress {
    double fraction = 0;  // 0..1
    std::uint64_t bytes_done = 0;
    std::uint64_t bytes_total = 0;
    std::string phase;  // saving | uploading | downloading | loading
};

class SnapshotTransfer {
  public:
    // `api_key` is asked before every request: the key may be rotated during a long transfer.
    SnapshotTransfer(const ChannelRequester& client, std::function<std::string()> api_key,
                     TransferSettings settings = {});

    // GET /api/v1/sim/snapshots/{id}/upload: the bytes the control plane holds.
    std::uint64_t uploaded_bytes(const std::string& snapshot_id) const;

    // PUTs the file in chunks from the start, with its SHA-256 in every chunk. On 409
    // upload_offset_mismatch or a broken connection (at most max_retries times) it asks where
    // the upload stands and goes on from there. Returns when the control plane answered
    // "complete". Throws TransferError (sha256_mismatch, snapshot_not_saving, ...).
    void upload(const std::string& snapshot_id, const std::filesystem::path& file,
                const std::string& sha256, const TransferProgress& progress = {}) const;

    // GETs /api/v1/sim/snapshots/{id}/content in ranges into `file`, appending: a file left by a
    // broken download is resumed from its size. `size` is the archive's size from the
    // operation's spec. Throws TransferError.
    void download(const std::string& snapshot_id, const std::filesystem::path& file,
                  std::uint64_t size, const TransferProgress& progress = {}) const;

    // POST /api/v1/sim/operations/{id}/progress. Throws TransferError or ChannelError.
    void report_progress(std::int64_t operation_id, const OperationProgress& progress) const;

  private:
    ChannelResponse send(ChannelRequest request) const;

    const ChannelRequester& client_;
    std::function<std::string()> api_key_;
    TransferSettings settings_;
};

}  // namespace vergegrid::sim_channel
