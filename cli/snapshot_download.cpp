#include "cli/snapshot_download.hpp"

#include "sha256/sha256.hpp"

#include <array>
#include <charconv>
#include <fstream>
#include <memory>
#include <optional>

namespace vergegrid::cli {

namespace {

// The first `size` bytes of `file` into `hash`, in bounded chunks.
void hash_file(const std::filesystem::path& file, std::int64_t size, sha256::Sha256& hash) {
    std::ifstream in(file, std::ios::binary);
    std::vector<char> chunk(kStreamChunkBytes);
    std::int64_t left = size;
    while (left > 0 && in) {
        in.read(chunk.data(),
                static_cast<std::streamsize>(std::min<std::int64_t>(left, chunk.size())));
        hash.update(chunk.data(), static_cast<std::size_t>(in.gcount()));
        left -= in.gcount();
    }
    if (left > 0) {
        throw CliError(ExitCode::usage, file.string() + ": cannot be read");
    }
}

// "bytes S-E/T" → S and T.
std::optional<std::pair<std::int64_t, std::int64_t>> parse_content_range(const std::string& text) {
    const std::string prefix = "bytes ";
    const auto dash = text.find('-');
    const auto slash = text.find('/');
    if (text.rfind(prefix, 0) != 0 || dash == std::string::npos || slash == std::string::npos ||
        dash > slash) {
        return std::nullopt;
    }
    std::int64_t start = 0;
    std::int64_t total = 0;
    const char* begin = text.data();
    auto [p1, e1] = std::from_chars(begin + prefix.size(), begin + dash, start);
    auto [p2, e2] = std::from_chars(begin + slash + 1, begin + text.size(), total);
    if (e1 != std::errc{} || e2 != std::errc{} || p1 != begin + dash || p2 != begin + text.size()) {
        return std::nullopt;
    }
    return std::pair{start, total};
}

std::string text_member(const Json& object, const char* key) {
    if (auto it = object.find(key); it != object.end() && it->is_string()) {
        return it->get<std::string>();
    }
    return {};
}

}  // namespace

DownloadResult download_snapshot(Api& api, const Json& snapshot, const std::filesystem::path& file,
                                 ProgressBar& bar) {
    const std::string id = text_member(snapshot, "id");
    const std::string state = text_member(snapshot, "state");
    if (state != "complete") {
        throw CliError(ExitCode::server_error, "snapshot " + id + " is " +
                                                   (state.empty() ? "in no known state" : state) +
                                                   ": only a complete snapshot can be downloaded");
    }
    const auto size_it = snapshot.find("size_bytes");
    const std::string sha256 = text_member(snapshot, "sha256");
    if (size_it == snapshot.end() || !size_it->is_number_integer() || sha256.empty()) {
        throw CliError(ExitCode::server_error, "the snapshot's answer lacks size_bytes or sha256");
    }
    DownloadResult result;
    result.size = size_it->get<std::int64_t>();

    std::error_code error;
    std::int64_t have = 0;
    if (std::filesystem::exists(file, error)) {
        if (!std::filesystem::is_regular_file(file, error)) {
            throw CliError(ExitCode::usage, file.string() + " exists and is not a regular file");
        }
        have = static_cast<std::int64_t>(std::filesystem::file_size(file, error));
    }
    if (have > result.size) {
        throw CliError(ExitCode::usage, file.string() + " holds " + std::to_string(have) +
                                            " bytes, more than the snapshot's " +
                                            std::to_string(result.size) +
                                            ": remove it or choose another file");
    }
    sha256::Sha256 hash;
    hash_file(file, have, hash);
    const auto mismatch = [&] {
        std::filesystem::remove(file, error);
        return CliError(ExitCode::server_error,
                        "the download does not match the snapshot's SHA-256; " + file.string() +
                            " was removed, run again to download it afresh");
    };
    if (have == result.size) {
        if (hash.hex() != sha256) {
            throw mismatch();
        }
        result.already_complete = true;
        result.resumed_from = have;
        return result;
    }

    std::ofstream out;
    std::int64_t written = 0;
    const std::string label = "snapshot " + id;
    const auto open = [&](const HttpResponse& head) -> BodySink {
        std::int64_t start = 0;
        if (head.status == 206) {
            const auto range = parse_content_range(head.content_range);
            if (!range || range->first != have || range->second != result.size) {
                throw CliError(ExitCode::server_error,
                               "the server answered the range request with Content-Range '" +
                                   head.content_range.substr(0, 80) + "'");
            }
            start = have;
        } else if (have > 0) {
            hash = sha256::Sha256();  // the server sends the whole archive: hash from byte 0
        }
        result.resumed_from = start;
        written = start;
        out.open(file, std::ios::binary | (start > 0 ? std::ios::app : std::ios::trunc));
        if (!out) {
            throw CliError(ExitCode::usage, file.string() + ": cannot be written");
        }
        return [&](const char* data, std::size_t size) {
            if (written + static_cast<std::int64_t>(size) > result.size) {
                throw CliError(ExitCode::server_error,
                               "the server sent more bytes than the snapshot's size");
            }
            out.write(data, static_cast<std::streamsize>(size));
            if (!out) {
                throw CliError(ExitCode::usage, file.string() + ": cannot be written");
            }
            hash.update(data, size);
            written += static_cast<std::int64_t>(size);
            bar.show(label, {static_cast<double>(written) / static_cast<double>(result.size),
                             written, result.size, "downloading"});
        };
    };
    const auto range =
        have > 0 ? std::optional<std::string>("bytes=" + std::to_string(have) + "-") : std::nullopt;
    api.download("/snapshots/" + path_segment(id) + "/download", range, open);
    out.close();
    bar.finish();
    if (!out) {
        throw CliError(ExitCode::usage, file.string() + ": cannot be written");
    }
    if (written < result.size) {
        throw CliError(ExitCode::unreachable, "the download stopped at " + std::to_string(written) +
                                                  " of " + std::to_string(result.size) +
                                                  " bytes; run again to resume");
    }
    if (hash.hex() != sha256) {
        throw mismatch();
    }
    return result;
}

}  // namespace vergegrid::cli
