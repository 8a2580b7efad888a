// Kind "snapshot_store" (since 1.5): where the bytes of region snapshots (OpenSim archives, OARs)
// live. Archives are content-addressed by their SHA-256 and may be gigabytes: they arrive in
// bounded chunks into a staging area named by an upload id (resumable: the staged size is the
// offset to resume from), become immutable blobs when their hash checks out, and are read back in
// bounded ranges. The built-in `filesystem` store keeps them under the data directory.
#pragma once

#include <boost/config.hpp>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "vergegrid/plugin_api/plugin.hpp"

namespace vergegrid::plugin_api {

// Any failure of the store (disk full, unreadable file). The message is for operators' logs.
class BOOST_SYMBOL_VISIBLE SnapshotStoreError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// The bytes do not match their SHA-256 (a corrupted blob, or an upload that does not hash to
// what its sender announced). Since 1.5.
class BOOST_SYMBOL_VISIBLE SnapshotIntegrityError : public SnapshotStoreError {
  public:
    using SnapshotStoreError::SnapshotStoreError;
};

// An append that does not start where the staged bytes end (a resumed upload that lost track).
// Since 1.5.
class BOOST_SYMBOL_VISIBLE SnapshotOffsetError : public SnapshotStoreError {
  public:
    SnapshotOffsetError(const std::string& message, std::uint64_t staged)
        : SnapshotStoreError(message), staged_(staged) {}
    std::uint64_t staged() const noexcept { return staged_; }

  private:
    std::uint64_t staged_;
};

// Since 1.5. Reads one blob. Sequential reads from offset 0 to the end verify the SHA-256 as
// they go: the read that reaches the end throws SnapshotIntegrityError when it does not match,
// so a caller streaming a whole blob never hands out a corrupted one as complete.
// OWNERSHIP: made by SnapshotStore::open, owned by the host, destroyed before the store; used by
// one thread at a time.
class BOOST_SYMBOL_VISIBLE SnapshotBlobReader {
  public:
    virtual ~SnapshotBlobReader() = default;
    virtual std::uint64_t size() const = 0;
    // Copies up to `capacity` bytes from `offset` into `buffer`; returns how many (0 at the end).
    virtual std::size_t read_at(std::uint64_t offset, char* buffer, std::size_t capacity) = 0;
};

// Since 1.5 (every method below). Thread-safe: different upload ids and readers may be used from
// different threads at once; one upload id is used by one thread at a time (the host serialises).
// Upload ids and SHA-256 strings are checked by the host: [0-9a-f-]{1,64}, 64 lower-case hex.
// OWNERSHIP: the host owns the store (PluginObject).
class BOOST_SYMBOL_VISIBLE SnapshotStore : public PluginObject {
  public:
    // Bytes staged so far under `upload_id` (0 when none): where a resumed upload continues.
    virtual std::uint64_t staged_size(const std::string& upload_id) = 0;
    // Appends at `offset`, which must equal staged_size() (else SnapshotOffsetError). The bytes
    // need not be durable yet: after a crash staged_size() says what survived, and the uploader
    // resumes from there. commit_staged() makes the blob durable.
    virtual void append_staged(const std::string& upload_id, std::uint64_t offset, const char* data,
                               std::size_t size) = 0;
    // Hashes the staged bytes; when they match `sha256` they become the blob of that address
    // (atomically; an existing identical blob is kept) and the staging area goes. A mismatch
    // discards the staged bytes and throws SnapshotIntegrityError.
    virtual void commit_staged(const std::string& upload_id, const std::string& sha256) = 0;
    // Forgets the staged bytes (no error when there are none).
    virtual void discard_staged(const std::string& upload_id) = 0;

    virtual bool contains(const std::string& sha256) = 0;
    // Throws SnapshotStoreError when there is no such blob.
    virtual std::unique_ptr<SnapshotBlobReader> open(const std::string& sha256) = 0;
    // Re-hashes the whole blob: false when it is missing or does not match.
    virtual bool verify(const std::string& sha256) = 0;
    // No error when there is no such blob.
    virtual void remove(const std::string& sha256) = 0;
    // Bytes held (blobs and staging), for metrics and /readyz.
    virtual std::uint64_t bytes_used() = 0;
};

}  // namespace vergegrid::plugin_api
