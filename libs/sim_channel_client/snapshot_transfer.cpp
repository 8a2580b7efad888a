#include "sim_channel_client/snapshot_transfer.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>
#include <vector>

#include "strict_json/strict_json.hpp"

namespace vergegrid::sim_channel {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kSmallestChunk = 64 * 1024;

std::string upload_path(const std::string& id) {
    return "/api/v1/sim/snapshots/" + id + "/upload";
}

// {"error":{"code","message"}} of an error answer, or the status alone.
TransferError refused(const std::string& what, const ChannelResponse& response) {
    std::string code;
    std::string message = what + ": HTTP " + std::to_string(response.status);
    try {
        const auto error = strict_json::parse(response.body).at("error");
        code = error.value("code", "");
        message += " " + code + ": " + error.value("message", "");
    } catch (const std::exception&) {
    }
    return TransferError(response.status, code, message);
}

// A file descriptor closed on every path out.
class Fd {
  public:
    Fd(const fs::path& path, int flags) : fd_(::open(path.c_str(), flags | O_CLOEXEC, 0600)) {
        if (fd_ < 0) {
            throw TransferError(0, "",
                                "cannot open " + path.string() + ": " + std::strerror(errno));
        }
    }
    ~Fd() { ::close(fd_); }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }

  private:
    int fd_;
};

std::uint64_t received_of(const ChannelResponse& response) {
    const auto body = response.json();
    const auto it = body.find("received");
    if (it == body.end() || !it->is_number_unsigned()) {
        throw ChannelError(ChannelError::Kind::protocol,
                           "the upload answer carries no byte count: " + response.body);
    }
    return it->get<std::uint64_t>();
}

}  // namespace

SnapshotTransfer::SnapshotTransfer(const ChannelRequester& client,
                                   std::function<std::string()> api_key, TransferSettings settings)
    : client_(client), api_key_(std::move(api_key)), settings_(settings) {}

ChannelResponse SnapshotTransfer::send(ChannelRequest request) const {
    request.bearer_token = api_key_();
    request.timeout = settings_.request_timeout;
    return client_.request(request);
}

std::uint64_t SnapshotTransfer::uploaded_bytes(const std::string& snapshot_id) const {
    ChannelRequest request;
    request.path = upload_path(snapshot_id);
    const auto response = send(request);
    if (response.status != 200) {
        throw refused("GET " + request.path, response);
    }
    return received_of(response);
}

void SnapshotTransfer::upload(const std::string& snapshot_id, const fs::path& file,
                              const std::string& sha256, const TransferProgress& progress) const {
    const Fd fd(file, O_RDONLY);
    const auto total = static_cast<std::uint64_t>(fs::file_size(file));
    if (total == 0) {
        throw TransferError(0, "", "refusing to upload the empty file " + file.string());
    }
    const std::string path = upload_path(snapshot_id);
    std::size_t chunk_bytes = std::max(settings_.chunk_bytes, kSmallestChunk);
    std::vector<char> buffer(chunk_bytes);  // the one chunk in memory
    std::uint64_t offset = 0;
    int retries = 0;
    int mismatches = 0;
    for (;;) {
        try {
            const auto size =
                static_cast<std::size_t>(std::min<std::uint64_t>(chunk_bytes, total - offset));
            const auto got = ::pread(fd.get(), buffer.data(), size, static_cast<off_t>(offset));
            if (got != static_cast<ssize_t>(size)) {
                throw TransferError(
                    0, "", "cannot read " + file.string() + " at byte " + std::to_string(offset));
            }
            ChannelRequest request;
            request.method = "PUT";
            request.path = path;
            request.raw_body = std::string_view(buffer.data(), size);
            request.headers = {{"Content-Range", "bytes " + std::to_string(offset) + "-" +
                                                     std::to_string(offset + size - 1) + "/" +
                                                     std::to_string(total)},
                               {"X-Content-SHA256", sha256}};
            const auto response = send(request);
            if (response.status == 200) {
                const auto received = received_of(response);
                if (response.json().value("state", "") == "complete") {
                    if (progress) {
                        progress(total, total);
                    }
                    return;
                }
                if (received >= total) {
                    throw TransferError(200, "",
                                        "PUT " + path + ": all " + std::to_string(total) +
                                            " bytes were taken but the snapshot is not complete");
                }
                offset = received;  // the control plane is the judge of where the upload stands
                if (progress) {
                    progress(offset, total);
                }
                continue;
            }
            auto error = refused("PUT " + path, response);
            if (response.status == 413 && chunk_bytes > kSmallestChunk) {
                chunk_bytes = std::max(chunk_bytes / 2, kSmallestChunk);
                continue;
            }
            if (response.status != 409 || error.code() != "upload_offset_mismatch" ||
                ++mismatches > settings_.max_retries) {
                throw error;
            }
        } catch (const ChannelError& e) {
            // The connection broke (or never came): wait, then ask where the upload stands.
            const auto floor = std::max(settings_.smallest_chunk_after_break, kSmallestChunk);
            if (chunk_bytes > floor) {
                chunk_bytes = std::max(chunk_bytes / 2, floor);
            } else if (++retries > settings_.max_retries) {
                throw TransferError(0, "",
                                    "the upload of snapshot " + snapshot_id + " broke off " +
                                        std::to_string(retries) + " times; last: " + e.what());
            }
            std::this_thread::sleep_for(settings_.retry_delay);
        }
        try {
            offset = uploaded_bytes(snapshot_id);
        } catch (const ChannelError&) {
            continue;  // counted as a break by the next attempt, which fails the same way
        }
        if (offset > total) {
            throw TransferError(409, "upload_offset_mismatch",
                                "the control plane holds " + std::to_string(offset) +
                                    " bytes of a " + std::to_string(total) + "-byte archive");
        }
    }
}

void SnapshotTransfer::download(const std::string& snapshot_id, const fs::path& file,
                                std::uint64_t size, const TransferProgress& progress) const {
    const Fd fd(file, O_WRONLY | O_CREAT);
    const std::string path = "/api/v1/sim/snapshots/" + snapshot_id + "/content";
    std::error_code error;
    std::uint64_t have = fs::file_size(file, error);
    if (error || have > size) {
        have = 0;  // not a prefix of this archive: start over
        if (::ftruncate(fd.get(), 0) != 0) {
            throw TransferError(0, "", "cannot truncate " + file.string());
        }
    }
    int retries = 0;
    while (have < size) {
        const auto last = std::min(size, have + settings_.range_bytes) - 1;
        ChannelRequest request;
        request.path = path;
        request.headers = {{"Range", "bytes=" + std::to_string(have) + "-" + std::to_string(last)}};
        bool checked = false;
        // Writes at `have`: a 200 (the whole archive, Range ignored) starts at 0.
        request.body_sink = [&](const ChannelResponse& head, std::string_view piece) {
            if (!checked) {
                checked = true;
                if (head.status == 200) {
                    have = 0;
                } else if (head.header("content-range")
                               .rfind("bytes " + std::to_string(have) + "-", 0) != 0) {
                    throw ChannelError(ChannelError::Kind::protocol,
                                       "GET " + path + ": asked from byte " + std::to_string(have) +
                                           ", answered " + head.header("content-range"));
                }
            }
            if (have + piece.size() > size) {
                throw ChannelError(
                    ChannelError::Kind::protocol,
                    "GET " + path + ": more bytes than the archive's " + std::to_string(size));
            }
            if (::pwrite(fd.get(), piece.data(), piece.size(), static_cast<off_t>(have)) !=
                static_cast<ssize_t>(piece.size())) {
                throw TransferError(0, "",
                                    "cannot write " + file.string() + ": " + std::strerror(errno));
            }
            have += piece.size();
            if (progress) {
                progress(have, size);
            }
        };
        ChannelResponse response;
        try {
            response = send(request);
        } catch (const ChannelError& e) {
            if (e.kind() == ChannelError::Kind::protocol || ++retries > settings_.max_retries) {
                throw TransferError(0, "", "GET " + path + " failed: " + e.what());
            }
            std::this_thread::sleep_for(settings_.retry_delay);
            continue;  // from what the file holds now
        }
        if (response.status != 200 && response.status != 206) {
            throw refused("GET " + path, response);
        }
        if (::ftruncate(fd.get(), static_cast<off_t>(have)) != 0) {
            throw TransferError(0, "", "cannot truncate " + file.string());
        }
        if (!checked && have < size) {
            throw TransferError(response.status, "", "GET " + path + ": an empty answer");
        }
    }
    if (::fsync(fd.get()) != 0) {
        throw TransferError(0, "", "cannot sync " + file.string());
    }
}

void SnapshotTransfer::report_progress(std::int64_t operation_id,
                                       const OperationProgress& p) const {
    ChannelRequest request;
    request.method = "POST";
    request.path = "/api/v1/sim/operations/" + std::to_string(operation_id) + "/progress";
    request.json_body = nlohmann::json{{"fraction", std::clamp(p.fraction, 0.0, 1.0)},
                                       {"bytes_done", p.bytes_done},
                                       {"bytes_total", p.bytes_total},
                                       {"phase", p.phase}};
    const auto response = send(request);
    if (response.status < 200 || response.status >= 300) {
        throw refused("POST " + request.path, response);
    }
}

}  // namespace vergegrid::sim_channel
