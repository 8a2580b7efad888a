// The SHA-256 of each upload as its chunks arrive, so that a commit need not read a gigabyte
// archive back from disk to hash it. Only a digest that saw every staged byte in order counts:
// after a restart, a resumed upload, or an append that failed half-way, the commit hashes the
// staged file instead (FilesystemStore::commit_staged). Bytes changed in place on disk after
// their append are caught where they would do harm: every full read and verify() re-hash the blob.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "sha256/sha256.hpp"

namespace vergegrid::snapshot_store {

class RunningDigests {
  public:
    // `offset` is where the bytes were written: a digest continues only when it covers exactly
    // the bytes before them (offset 0 starts a new one); otherwise the upload's digest is dropped.
    void appended(const std::string& upload_id, std::uint64_t offset, const char* data,
                  std::size_t size);
    // Forgets the upload's digest: its bytes may now differ from what the digest saw.
    void forget(const std::string& upload_id);
    // The hex digest when it covers exactly `staged` bytes; the digest is gone afterwards.
    std::optional<std::string> take(const std::string& upload_id, std::uint64_t staged);

  private:
    struct Running {
        std::uint64_t covered = 0;
        std::unique_ptr<sha256::Sha256> digest;
    };
    std::mutex mutex_;
    std::map<std::string, Running> running_;
};

}  // namespace vergegrid::snapshot_store
