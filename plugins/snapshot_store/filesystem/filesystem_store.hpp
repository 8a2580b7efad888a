// The built-in snapshot store: blobs at <dir>/blobs/<first two hex>/<sha256>, uploads staged at
// <dir>/staging/<upload id>. Blobs appear only by an atomic, fsync'd rename of a staged file
// whose SHA-256 matched.
//
// A staged file's size is its resume offset. Appends are not fsync'd one by one: the uploader
// always asks where to resume (GET .../upload), so a crash that loses the last chunks only costs
// sending them again, and the disk's write-back, not one flush per chunk, sets the upload's speed
// (an fsync per 8 MiB chunk held it to the disk's synchronous rate, about 45 MB/s here). The
// commit fsyncs the whole file before the rename, and hashes every staged byte: a tail torn by a
// crash can never become a blob, it fails its SHA-256 and the upload starts over. No sidecar
// records the size, for the same reason.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "running_digests.hpp"
#include "vergegrid/plugin_api/logger.hpp"
#include "vergegrid/plugin_api/snapshot_store.hpp"

namespace vergegrid::snapshot_store {

class FilesystemStore final : public plugin_api::SnapshotStore {
  public:
    // Creates <dir>, <dir>/blobs and <dir>/staging when missing. Throws SnapshotStoreError.
    explicit FilesystemStore(std::filesystem::path dir);

    std::uint64_t staged_size(const std::string& upload_id) override;
    void append_staged(const std::string& upload_id, std::uint64_t offset, const char* data,
                       std::size_t size) override;
    void commit_staged(const std::string& upload_id, const std::string& sha256) override;
    void discard_staged(const std::string& upload_id) override;

    bool contains(const std::string& sha256) override;
    std::unique_ptr<plugin_api::SnapshotBlobReader> open(const std::string& sha256) override;
    bool verify(const std::string& sha256) override;
    void remove(const std::string& sha256) override;
    std::uint64_t bytes_used() override;

  private:
    std::filesystem::path blob_path(const std::string& sha256) const;
    std::filesystem::path staged_path(const std::string& upload_id) const;

    std::filesystem::path dir_;
    std::filesystem::path blobs_;
    std::filesystem::path staging_;
    RunningDigests digests_;
};

// The store's checks of what names a file (the host checks too; a plugin trusts no path part):
// upload ids are [0-9a-f-]{1,64}, addresses 64 lower-case hex digits. Throw SnapshotStoreError.
void check_upload_id(const std::string& upload_id);
void check_sha256(const std::string& sha256);

}  // namespace vergegrid::snapshot_store
