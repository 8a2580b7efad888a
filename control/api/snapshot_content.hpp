// A snapshot's archive as an HTTP answer: the whole of it (200) or the byte range the Range
// header asks (206), with Accept-Ranges, Content-Range and the SHA-256 as ETag; a range outside
// the archive is 416, streamed in bounded buffers (memory stays flat for gigabyte archives). Only
// `bytes=S-E`, `bytes=S-` and `bytes=-N` (one range) are understood.
#pragma once

#include <string>

#include "control/snapshots/snapshot_service.hpp"
#include "kernel/http/request.hpp"
#include "kernel/http/response.hpp"

namespace vergegrid::control {

kernel::http::Response content_response(const kernel::http::Request& request,
                                        const SnapshotContent& content,
                                        const std::string& download_name = "");

}  // namespace vergegrid::control
