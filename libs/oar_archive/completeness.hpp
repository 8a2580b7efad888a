// Whether an OAR on disk is whole. OpenSim writes it from a background job and its
// admin_save_oar answers (after >= 5 s) whether or not the job finished, so the file itself is
// the only proof: one gzip stream whose trailer (CRC-32 and length) checks out, holding a tar
// that reaches its end-of-archive blocks. A truncated or still-growing file is incomplete.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

namespace vergegrid::oar {

struct Completeness {
    bool complete = false;
    std::string reason;            // why not, for logs and error messages; empty when complete
    std::uint64_t file_bytes = 0;  // the compressed size read
    std::uint64_t tar_bytes = 0;   // the uncompressed tar up to its end-of-archive blocks
};

// Reads the whole file once in 64 KiB pieces (memory does not grow with the archive). Never
// throws for a bad archive; a file that cannot be opened is incomplete too, with the reason.
Completeness check_completeness(const std::filesystem::path& path);

inline bool is_complete(const std::filesystem::path& path) {
    return check_completeness(path).complete;
}

}  // namespace vergegrid::oar
