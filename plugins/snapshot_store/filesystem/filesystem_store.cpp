#include "filesystem_store.hpp"

#include <fcntl.h>

#include <algorithm>
#include <system_error>
#include <vector>

#include "blob_reader.hpp"
#include "posix_file.hpp"
#include "sha256/sha256.hpp"

namespace vergegrid::snapshot_store {

namespace {

namespace fs = std::filesystem;
using plugin_api::SnapshotIntegrityError;
using plugin_api::SnapshotStoreError;

// Hashing reads this much at a time: memory stays flat however large the archive.
constexpr std::size_t kHashBuffer = 1 << 20;

bool is_lower_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

// SHA-256 of the first `size` bytes of `file`, read in bounded buffers.
std::string hash_file(const PosixFile& file, std::uint64_t size) {
    sha256::Sha256 digest;
    std::vector<char> buffer(kHashBuffer);
    std::uint64_t offset = 0;
    while (offset < size) {
        const auto wanted =
            static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), size - offset));
        const std::size_t got = file.read_at(offset, buffer.data(), wanted);
        if (got == 0) {
            break;  // shorter than expected: the digest cannot match
        }
        digest.update(buffer.data(), got);
        offset += got;
    }
    return digest.hex();
}

}  // namespace

void check_upload_id(const std::string& upload_id) {
    const bool valid = !upload_id.empty() && upload_id.size() <= 64 &&
                       std::all_of(upload_id.begin(), upload_id.end(),
                                   [](char c) { return is_lower_hex(c) || c == '-'; });
    if (!valid) {
        throw SnapshotStoreError("invalid upload id (expected [0-9a-f-]{1,64})");
    }
}

void check_sha256(const std::string& sha256) {
    if (sha256.size() != 64 || !std::all_of(sha256.begin(), sha256.end(), is_lower_hex)) {
        throw SnapshotStoreError("invalid SHA-256 (expected 64 lower-case hex digits)");
    }
}

FilesystemStore::FilesystemStore(fs::path dir)
    : dir_(std::move(dir)), blobs_(dir_ / "blobs"), staging_(dir_ / "staging") {
    std::error_code error;
    fs::create_directories(dir_, error);
    if (error) {
        throw SnapshotStoreError("cannot create " + dir_.string() + ": " + error.message());
    }
    ensure_directory(blobs_);
    ensure_directory(staging_);
}

fs::path FilesystemStore::blob_path(const std::string& sha256) const {
    check_sha256(sha256);
    return blobs_ / sha256.substr(0, 2) / sha256;
}

fs::path FilesystemStore::staged_path(const std::string& upload_id) const {
    check_upload_id(upload_id);
    return staging_ / upload_id;
}

std::uint64_t FilesystemStore::staged_size(const std::string& upload_id) {
    const auto file = PosixFile::open_existing(staged_path(upload_id), O_RDONLY);
    return file ? file->size() : 0;
}

void FilesystemStore::append_staged(const std::string& upload_id, std::uint64_t offset,
                                    const char* data, std::size_t size) {
    const std::uint64_t staged = staged_size(upload_id);
    if (offset != staged) {
        throw plugin_api::SnapshotOffsetError("upload " + upload_id + " continues at byte " +
                                                  std::to_string(staged) + ", not " +
                                                  std::to_string(offset),
                                              staged);
    }
    const fs::path path = staged_path(upload_id);
    auto existing = PosixFile::open_existing(path, O_WRONLY);
    const bool created = !existing;
    auto file = created ? PosixFile::open(path, O_WRONLY | O_CREAT) : std::move(*existing);
    if (created) {
        sync_directory(staging_);
    }
    // In slices, each hashed right after its write, while the write's copy has left it in the
    // CPU's cache: a multi-MiB chunk hashed after its whole write is read from memory again.
    constexpr std::size_t kSlice = 256 * 1024;
    try {
        for (std::size_t done = 0; done < size; done += kSlice) {
            const std::size_t slice = std::min(kSlice, size - done);
            file.write_at(staged + done, data + done, slice);
            digests_.appended(upload_id, staged + done, data + done, slice);
        }
    } catch (...) {
        digests_.forget(upload_id);  // a prefix of the chunk may be on disk
        throw;
    }
}

void FilesystemStore::commit_staged(const std::string& upload_id, const std::string& sha256) {
    check_sha256(sha256);
    const fs::path path = staged_path(upload_id);
    auto file = PosixFile::open_existing(path, O_RDONLY);
    if (!file) {
        throw SnapshotStoreError("upload " + upload_id + " has no staged bytes");
    }
    const std::uint64_t staged = file->size();
    auto running = digests_.take(upload_id, staged);
    const std::string actual = running ? *running : hash_file(*file, staged);
    if (actual != sha256) {
        discard_staged(upload_id);
        throw SnapshotIntegrityError("upload " + upload_id + " hashes to " + actual + ", not " +
                                     sha256 + ": its staged bytes were discarded");
    }
    file->sync();
    file.reset();
    const fs::path target = blob_path(sha256);
    ensure_directory(target.parent_path());
    // An identical blob may already be there: the verified bytes replace it atomically, which
    // keeps its content (same address, same bytes) and heals a copy that rotted on disk. Readers
    // of the old file keep reading it until they close it.
    rename_durably(path, target);
}

void FilesystemStore::discard_staged(const std::string& upload_id) {
    digests_.forget(upload_id);
    if (remove_file(staged_path(upload_id))) {
        sync_directory(staging_);
    }
}

bool FilesystemStore::contains(const std::string& sha256) {
    std::error_code error;
    const bool found = fs::is_regular_file(blob_path(sha256), error);
    if (error && error != std::errc::no_such_file_or_directory) {
        throw SnapshotStoreError("cannot look for blob " + sha256 + ": " + error.message());
    }
    return found;
}

std::unique_ptr<plugin_api::SnapshotBlobReader> FilesystemStore::open(const std::string& sha256) {
    auto file = PosixFile::open_existing(blob_path(sha256), O_RDONLY);
    if (!file) {
        throw SnapshotStoreError("no blob " + sha256);
    }
    return std::make_unique<BlobReader>(std::move(*file), sha256);
}

bool FilesystemStore::verify(const std::string& sha256) {
    auto file = PosixFile::open_existing(blob_path(sha256), O_RDONLY);
    return file && hash_file(*file, file->size()) == sha256;
}

void FilesystemStore::remove(const std::string& sha256) {
    const fs::path path = blob_path(sha256);
    if (remove_file(path)) {
        sync_directory(path.parent_path());
    }
}

std::uint64_t FilesystemStore::bytes_used() {
    std::uint64_t total = 0;
    for (const fs::path& root : {blobs_, staging_}) {
        std::error_code error;
        for (fs::recursive_directory_iterator it(root, error), end; !error && it != end;
             it.increment(error)) {
            std::error_code size_error;
            if (it->is_regular_file(size_error)) {
                const auto size = it->file_size(size_error);
                // A file removed while we walk simply does not count.
                if (!size_error) {
                    total += size;
                }
            }
        }
        if (error && error != std::errc::no_such_file_or_directory) {
            throw SnapshotStoreError("cannot measure " + root.string() + ": " + error.message());
        }
    }
    return total;
}

}  // namespace vergegrid::snapshot_store
