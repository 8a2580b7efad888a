#include "blob_reader.hpp"

#include <algorithm>
#include <utility>

namespace vergegrid::snapshot_store {

BlobReader::BlobReader(PosixFile file, std::string sha256)
    : file_(std::move(file)), sha256_(std::move(sha256)), size_(file_.size()) {}

std::size_t BlobReader::read_at(std::uint64_t offset, char* buffer, std::size_t capacity) {
    if (offset >= size_) {
        // A read at the end of a fully hashed blob (an empty blob has no other) still judges it.
        if (hashed_ == size_) {
            check_digest();
        }
        return 0;
    }
    const auto wanted = static_cast<std::size_t>(std::min<std::uint64_t>(capacity, size_ - offset));
    const std::size_t got = file_.read_at(offset, buffer, wanted);
    if (got < wanted) {
        // The file shrank under us: what is left cannot be the blob its address names.
        throw plugin_api::SnapshotIntegrityError("blob " + sha256_ + " is shorter than " +
                                                 std::to_string(size_) + " bytes");
    }
    // Re-reads of a verified prefix and reads ahead of it leave the digest alone; only the
    // bytes that extend the verified prefix are hashed.
    if (offset <= hashed_ && offset + got > hashed_) {
        const auto skip = static_cast<std::size_t>(hashed_ - offset);
        digest_.update(buffer + skip, got - skip);
        hashed_ = offset + got;
    }
    if (hashed_ == size_ && offset + got == size_) {
        check_digest();
    }
    return got;
}

void BlobReader::check_digest() {
    if (verdict_ == Verdict::pending) {
        verdict_ = digest_.hex() == sha256_ ? Verdict::sound : Verdict::corrupted;
    }
    // Every read that reaches the end of a corrupted blob throws, not only the first.
    if (verdict_ == Verdict::corrupted) {
        throw plugin_api::SnapshotIntegrityError("blob " + sha256_ +
                                                 " is corrupted: its bytes do not hash to its "
                                                 "address");
    }
}

}  // namespace vergegrid::snapshot_store
