#include "oar_archive/completeness.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <vector>

namespace vergegrid::oar {

namespace {

constexpr std::size_t kBlock = 512;

// Follows a tar stream block by block: a header, its data blocks, the next header... until two
// zero blocks end the archive. Only sizes are read (octal, or GNU base-256 for huge entries):
// what an entry holds does not matter here, only where the archive ends.
class TarWalker {
  public:
    // Feeds uncompressed bytes; false (with `error`) when they cannot be a tar archive.
    bool feed(const unsigned char* data, std::size_t size) {
        while (size > 0 && !ended_) {
            if (skip_ > 0) {
                const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(skip_, size));
                skip_ -= n;
                data += n;
                size -= n;
                bytes_ += n;
                continue;
            }
            const std::size_t n = std::min(kBlock - filled_, size);
            std::memcpy(block_.data() + filled_, data, n);
            filled_ += n;
            data += n;
            size -= n;
            bytes_ += n;
            if (filled_ == kBlock) {
                filled_ = 0;
                if (!header()) {
                    return false;
                }
            }
        }
        return true;
    }
    bool ended() const { return ended_; }
    std::uint64_t bytes() const { return bytes_; }
    const std::string& error() const { return error_; }

  private:
    bool header() {
        const bool zero = std::all_of(block_.begin(), block_.end(), [](auto c) { return c == 0; });
        if (zero) {
            ended_ = ++zero_blocks_ == 2;
            return true;
        }
        if (zero_blocks_ != 0) {
            error_ = "a tar header follows a single end-of-archive block";
            return false;
        }
        if (!checksum_ok()) {
            error_ = "a tar header's checksum is wrong at byte " + std::to_string(bytes_ - kBlock);
            return false;
        }
        const auto size = entry_size();
        if (!size) {
            error_ = "a tar header's size field is not a number";
            return false;
        }
        skip_ = (*size + kBlock - 1) / kBlock * kBlock;
        return true;
    }

    bool checksum_ok() const {
        unsigned long sum = 0;
        for (std::size_t i = 0; i < kBlock; ++i) {
            sum += (i >= 148 && i < 156) ? ' ' : block_[i];
        }
        const auto stored = octal(148, 8);
        return stored && *stored == sum;
    }

    std::optional<std::uint64_t> entry_size() const {
        if ((block_[124] & 0x80) != 0) {  // GNU base-256: big-endian in the remaining bytes
            std::uint64_t value = 0;
            for (std::size_t i = 125; i < 136; ++i) {
                value = (value << 8) | block_[i];
            }
            return value;
        }
        return octal(124, 12);
    }

    std::optional<std::uint64_t> octal(std::size_t offset, std::size_t length) const {
        std::uint64_t value = 0;
        bool digits = false;
        for (std::size_t i = offset; i < offset + length; ++i) {
            const unsigned char c = block_[i];
            if (c >= '0' && c <= '7') {
                value = value * 8 + (c - '0');
                digits = true;
            } else if (c == ' ' || c == 0) {
                if (digits) {
                    break;
                }
            } else {
                return std::nullopt;
            }
        }
        return value;
    }

    std::array<unsigned char, kBlock> block_{};
    std::size_t filled_ = 0;
    std::uint64_t skip_ = 0;
    std::uint64_t bytes_ = 0;
    int zero_blocks_ = 0;
    bool ended_ = false;
    std::string error_;
};

struct InflateEnd {
    void operator()(z_stream* stream) const { inflateEnd(stream); }
};

}  // namespace

Completeness check_completeness(const std::filesystem::path& path) {
    Completeness result;
    std::ifstream file(path, std::ios::binary);
    if (!file) {
        result.reason = "cannot open " + path.string();
        return result;
    }
    // zlib's own gzip decoding (not libarchive's, which stops reading at the tar's end marker and
    // so cannot tell a whole stream from one whose trailer is still being written): it checks
    // the trailer's CRC-32 and length before it answers Z_STREAM_END.
    z_stream stream{};
    if (inflateInit2(&stream, 15 + 16) != Z_OK) {
        result.reason = "zlib could not start";
        return result;
    }
    std::unique_ptr<z_stream, InflateEnd> guard(&stream);
    std::vector<unsigned char> in(64 * 1024);
    std::vector<unsigned char> out(64 * 1024);
    TarWalker tar;
    bool stream_ended = false;
    while (!stream_ended) {
        file.read(reinterpret_cast<char*>(in.data()), static_cast<std::streamsize>(in.size()));
        const auto got = static_cast<std::size_t>(file.gcount());
        if (got == 0) {
            break;
        }
        result.file_bytes += got;
        stream.next_in = in.data();
        stream.avail_in = static_cast<uInt>(got);
        while (stream.avail_in > 0 && !stream_ended) {
            stream.next_out = out.data();
            stream.avail_out = static_cast<uInt>(out.size());
            const int status = inflate(&stream, Z_NO_FLUSH);
            if (status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR) {
                result.reason = std::string("not a valid gzip stream: ") +
                                (stream.msg != nullptr ? stream.msg : "zlib error");
                return result;
            }
            if (!tar.feed(out.data(), out.size() - stream.avail_out)) {
                result.reason = tar.error();
                return result;
            }
            stream_ended = status == Z_STREAM_END;
        }
        if (stream_ended && stream.avail_in > 0) {
            result.reason = "bytes follow the end of the gzip stream";
            return result;
        }
    }
    if (stream_ended && file.peek() != std::ifstream::traits_type::eof()) {
        result.reason = "bytes follow the end of the gzip stream";
        return result;
    }
    result.tar_bytes = tar.bytes();
    if (!stream_ended) {
        result.reason = result.file_bytes == 0
                            ? "the file is empty"
                            : "the gzip stream is cut short (still being written?)";
        return result;
    }
    if (!tar.ended()) {
        result.reason = "the tar archive has no end-of-archive blocks";
        return result;
    }
    result.complete = true;
    return result;
}

}  // namespace vergegrid::oar
