// Reads one blob with pread, hashing the bytes of reads that continue where the verified prefix
// ends: the read that completes the blob compares the digest with the blob's address and throws
// SnapshotIntegrityError on a mismatch, so a whole-blob stream never ends as if it were sound.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "posix_file.hpp"
#include "sha256/sha256.hpp"
#include "vergegrid/plugin_api/snapshot_store.hpp"

namespace vergegrid::snapshot_store {

class BlobReader final : public plugin_api::SnapshotBlobReader {
  public:
    BlobReader(PosixFile file, std::string sha256);

    std::uint64_t size() const override { return size_; }
    std::size_t read_at(std::uint64_t offset, char* buffer, std::size_t capacity) override;

  private:
    // Compares the digest once the verified prefix is the whole blob; throws when it differs.
    void check_digest();

    PosixFile file_;
    std::string sha256_;
    std::uint64_t size_;
    sha256::Sha256 digest_;
    std::uint64_t hashed_ = 0;  // bytes [0, hashed_) went through digest_
    enum class Verdict { pending, sound, corrupted } verdict_ = Verdict::pending;
};

}  // namespace vergegrid::snapshot_store
