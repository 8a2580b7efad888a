// The built-in snapshot store: blobs at <dir>/blobs/<first two hex>/<sha256>, uploads staged at
// <dir>/staging/<upload id>. Every state change is fsync'd, files and directories alike, and
// blobs appear only by an atomic rename of a staged file whose SHA-256 matched.
//
// A staged file's size is its resume offset: an append returns after its bytes and the new size
// are fsync'd. No sidecar records the size: one would cost two more fsyncs, a rename and a
// directory fsync per chunk, and what it would guard against (a crash leaving a torn tail) cannot
// produce a blob anyway: the commit hashes every staged byte, so such an upload fails its SHA-256
// and starts over. A failed write leaves a prefix of its chunk, which a resume simply continues.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

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
};

// The store's checks of what names a file (the host checks too; a plugin trusts no path part):
// upload ids are [0-9a-f-]{1,64}, addresses 64 lower-case hex digits. Throw SnapshotStoreError.
void check_upload_id(const std::string& upload_id);
void check_sha256(const std::string& sha256);

}  // namespace vergegrid::snapshot_store
