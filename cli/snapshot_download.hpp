// `snapshot download`: a complete snapshot's archive (an OAR, possibly gigabytes) streamed to a
// file in bounded memory, resumed with a Range request when the file holds a beginning of it
// already, and checked against the snapshot's SHA-256 at the end.
#pragma once

#include <cstdint>
#include <filesystem>

#include "cli/api.hpp"
#include "cli/progress_bar.hpp"

namespace vergegrid::cli {

struct DownloadResult {
    std::int64_t size = 0;          // of the archive
    std::int64_t resumed_from = 0;  // bytes the file held already and kept (0: from the start)
    bool already_complete = false;  // the file was whole already: nothing was fetched
};

// `snapshot` is the snapshot's JSON (id, state, size_bytes, sha256). CliError: the snapshot is
// not complete (1), the file is longer than the archive or cannot be written (2), the transfer
// broke off (3: run again to resume), the bytes do not match the SHA-256 (1; the file is removed
// so that the next run starts afresh).
DownloadResult download_snapshot(Api& api, const Json& snapshot, const std::filesystem::path& file,
                                 ProgressBar& bar);

}  // namespace vergegrid::cli
