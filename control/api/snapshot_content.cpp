#include "control/api/snapshot_content.hpp"

#include <algorithm>
#include <charconv>
#include <memory>
#include <optional>

#include "kernel/http/api_error.hpp"

namespace vergegrid::control {

using kernel::http::ApiError;
using kernel::http::Response;

namespace {

struct ByteRange {
    std::uint64_t first = 0;
    std::uint64_t last = 0;  // inclusive
};

std::optional<std::uint64_t> byte_position(const std::string& text) {
    std::uint64_t value = 0;
    auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size()) {
        return std::nullopt;
    }
    return value;
}

ApiError unsatisfiable(std::uint64_t size) {
    return ApiError(
        416, "range_not_satisfiable",
        "Range must be bytes=FIRST-LAST inside the archive of " + std::to_string(size) + " bytes",
        "Range");
}

// nullopt: no Range header (the whole archive).
std::optional<ByteRange> requested_range(const std::string& header, std::uint64_t size) {
    if (header.empty()) {
        return std::nullopt;
    }
    const std::string prefix = "bytes=";
    const auto dash = header.find('-');
    if (header.rfind(prefix, 0) != 0 || dash == std::string::npos ||
        header.find(',') != std::string::npos) {
        throw unsatisfiable(size);
    }
    const auto first = byte_position(header.substr(prefix.size(), dash - prefix.size()));
    const auto last = byte_position(header.substr(dash + 1));
    ByteRange range;
    if (!first && last && *last > 0 && size > 0) {  // the last N bytes
        range.first = *last >= size ? 0 : size - *last;
        range.last = size - 1;
    } else if (first && *first < size) {
        range.first = *first;
        range.last = last ? std::min(*last, size - 1) : size - 1;
        if (last && *last < *first) {
            throw unsatisfiable(size);
        }
    } else {
        throw unsatisfiable(size);
    }
    return range;
}

}  // namespace

// Streams bytes [first, first + length) of the blob in the server's bounded buffers. Reading the
// whole archive from its first byte lets the reader check its SHA-256 at the end: a corrupted
// blob throws there, the server closes the connection, and the client sees a body shorter than
// announced, never a complete-looking one.
class BlobBody : public kernel::http::BodySource {
  public:
    BlobBody(std::shared_ptr<plugin_api::SnapshotBlobReader> reader, std::uint64_t first,
             std::uint64_t length)
        : reader_(std::move(reader)), offset_(first), left_(length) {}
    std::uint64_t size() const override { return size_; }
    std::size_t read(char* buffer, std::size_t capacity) override {
        const auto wanted = static_cast<std::size_t>(std::min<std::uint64_t>(capacity, left_));
        if (wanted == 0) {
            return 0;
        }
        const auto got = reader_->read_at(offset_, buffer, wanted);
        offset_ += got;
        left_ -= got;
        return got;
    }

  private:
    std::shared_ptr<plugin_api::SnapshotBlobReader> reader_;
    std::uint64_t offset_;
    std::uint64_t left_;
    const std::uint64_t size_ = left_;
};

Response content_response(const kernel::http::Request& request, const SnapshotContent& content,
                          const std::string& download_name) {
    const auto range = requested_range(request.header("range"), content.size);
    const ByteRange bytes = range.value_or(ByteRange{0, content.size == 0 ? 0 : content.size - 1});
    const std::uint64_t length = content.size == 0 ? 0 : bytes.last - bytes.first + 1;
    auto response = Response::streamed(
        range ? 206 : 200, std::make_shared<BlobBody>(content.reader, bytes.first, length),
        "application/gzip");
    response.headers.emplace_back("Accept-Ranges", "bytes");
    response.headers.emplace_back("ETag", "\"" + content.sha256 + "\"");
    response.headers.emplace_back("X-Content-SHA256", content.sha256);
    if (range) {
        response.headers.emplace_back("Content-Range", "bytes " + std::to_string(bytes.first) +
                                                           "-" + std::to_string(bytes.last) + "/" +
                                                           std::to_string(content.size));
    }
    if (!download_name.empty()) {
        response.headers.emplace_back("Content-Disposition",
                                      "attachment; filename=\"" + download_name + "\"");
    }
    return response;
}

}  // namespace vergegrid::control
