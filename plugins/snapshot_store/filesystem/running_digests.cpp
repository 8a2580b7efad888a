#include "running_digests.hpp"

namespace vergegrid::snapshot_store {

void RunningDigests::appended(const std::string& upload_id, std::uint64_t offset, const char* data,
                              std::size_t size) {
    // One upload id is used by one thread at a time (the host serialises), so hashing outside
    // the lock is safe; the lock guards the map only.
    Running running;
    {
        std::lock_guard lock(mutex_);
        auto found = running_.find(upload_id);
        if (found != running_.end()) {
            running = std::move(found->second);
            running_.erase(found);
        }
    }
    if (offset == 0) {
        running = Running{0, std::make_unique<sha256::Sha256>()};
    } else if (!running.digest || running.covered != offset) {
        return;  // a prefix this digest never saw: the commit hashes the file
    }
    running.digest->update(data, size);
    running.covered += size;
    std::lock_guard lock(mutex_);
    running_[upload_id] = std::move(running);
}

void RunningDigests::forget(const std::string& upload_id) {
    std::lock_guard lock(mutex_);
    running_.erase(upload_id);
}

std::optional<std::string> RunningDigests::take(const std::string& upload_id,
                                                std::uint64_t staged) {
    Running running;
    {
        std::lock_guard lock(mutex_);
        auto found = running_.find(upload_id);
        if (found == running_.end()) {
            return std::nullopt;
        }
        running = std::move(found->second);
        running_.erase(found);
    }
    if (!running.digest || running.covered != staged) {
        return std::nullopt;
    }
    return running.digest->hex();
}

}  // namespace vergegrid::snapshot_store
