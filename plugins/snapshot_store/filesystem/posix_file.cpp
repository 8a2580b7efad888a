#include "posix_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>
#include <utility>

#include "vergegrid/plugin_api/snapshot_store.hpp"

namespace vergegrid::snapshot_store {

namespace {

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& path, int error) {
    throw plugin_api::SnapshotStoreError(what + " " + path.string() + ": " + std::strerror(error));
}

}  // namespace

PosixFile PosixFile::open(const std::filesystem::path& path, int flags, int mode) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC, mode);
    if (fd < 0) {
        fail("cannot open", path, errno);
    }
    return PosixFile(fd, path);
}

std::optional<PosixFile> PosixFile::open_existing(const std::filesystem::path& path, int flags) {
    const int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) {
            return std::nullopt;
        }
        fail("cannot open", path, errno);
    }
    return PosixFile(fd, path);
}

PosixFile::PosixFile(PosixFile&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), path_(std::move(other.path_)) {}

PosixFile& PosixFile::operator=(PosixFile&& other) noexcept {
    if (this != &other) {
        if (fd_ >= 0) {
            ::close(fd_);
        }
        fd_ = std::exchange(other.fd_, -1);
        path_ = std::move(other.path_);
    }
    return *this;
}

PosixFile::~PosixFile() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

std::uint64_t PosixFile::size() const {
    struct stat status {};
    if (::fstat(fd_, &status) != 0) {
        fail("cannot stat", path_, errno);
    }
    return static_cast<std::uint64_t>(status.st_size);
}

std::size_t PosixFile::read_at(std::uint64_t offset, char* buffer, std::size_t capacity) const {
    std::size_t done = 0;
    while (done < capacity) {
        const ssize_t got =
            ::pread(fd_, buffer + done, capacity - done, static_cast<off_t>(offset + done));
        if (got < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail("cannot read", path_, errno);
        }
        if (got == 0) {
            break;
        }
        done += static_cast<std::size_t>(got);
    }
    return done;
}

void PosixFile::write_at(std::uint64_t offset, const char* data, std::size_t size) {
    std::size_t done = 0;
    while (done < size) {
        const ssize_t put =
            ::pwrite(fd_, data + done, size - done, static_cast<off_t>(offset + done));
        if (put < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail("cannot write", path_, errno);
        }
        done += static_cast<std::size_t>(put);
    }
}

void PosixFile::sync() {
    if (::fsync(fd_) != 0) {
        fail("cannot fsync", path_, errno);
    }
}

void sync_directory(const std::filesystem::path& dir) {
    PosixFile::open(dir, O_RDONLY | O_DIRECTORY).sync();
}

bool ensure_directory(const std::filesystem::path& dir) {
    if (::mkdir(dir.c_str(), 0700) != 0) {
        if (errno == EEXIST) {
            return false;
        }
        fail("cannot create directory", dir, errno);
    }
    sync_directory(dir.parent_path());
    return true;
}

void rename_durably(const std::filesystem::path& from, const std::filesystem::path& to) {
    if (::rename(from.c_str(), to.c_str()) != 0) {
        fail("cannot rename " + from.string() + " to", to, errno);
    }
    sync_directory(to.parent_path());
    if (from.parent_path() != to.parent_path()) {
        sync_directory(from.parent_path());
    }
}

bool remove_file(const std::filesystem::path& path) {
    if (::unlink(path.c_str()) != 0) {
        if (errno == ENOENT) {
            return false;
        }
        fail("cannot remove", path, errno);
    }
    return true;
}

}  // namespace vergegrid::snapshot_store
