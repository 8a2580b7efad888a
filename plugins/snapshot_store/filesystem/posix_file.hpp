// The few POSIX file operations the store needs for durability (fsync of files and of the
// directories that name them) and bounded reads (pread), with errors as SnapshotStoreError
// naming the path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>

namespace vergegrid::snapshot_store {

// An open file descriptor, closed when destroyed.
class PosixFile {
  public:
    // Throws SnapshotStoreError naming `path`; see open_existing for a missing file.
    static PosixFile open(const std::filesystem::path& path, int flags, int mode = 0600);
    // Null when the file does not exist; throws for any other error.
    static std::optional<PosixFile> open_existing(const std::filesystem::path& path, int flags);

    PosixFile(PosixFile&& other) noexcept;
    PosixFile& operator=(PosixFile&& other) noexcept;
    PosixFile(const PosixFile&) = delete;
    PosixFile& operator=(const PosixFile&) = delete;
    ~PosixFile();

    std::uint64_t size() const;
    // Reads up to `capacity` bytes at `offset`, retrying short reads; fewer only at the end.
    std::size_t read_at(std::uint64_t offset, char* buffer, std::size_t capacity) const;
    void write_at(std::uint64_t offset, const char* data, std::size_t size);
    void sync();

  private:
    PosixFile(int fd, std::filesystem::path path) : fd_(fd), path_(std::move(path)) {}
    int fd_ = -1;
    std::filesystem::path path_;
};

// Makes the directory's entries (a file created, renamed or removed in it) durable.
void sync_directory(const std::filesystem::path& dir);

// Creates `dir` when missing and then syncs its parent, so the new entry survives a crash.
// Returns whether it was created.
bool ensure_directory(const std::filesystem::path& dir);

// Renames atomically (replacing `to`), then syncs the target's directory (and the source's when
// it is another one).
void rename_durably(const std::filesystem::path& from, const std::filesystem::path& to);

// Removes a file; no error when it is missing. Returns whether it existed.
bool remove_file(const std::filesystem::path& path);

}  // namespace vergegrid::snapshot_store
