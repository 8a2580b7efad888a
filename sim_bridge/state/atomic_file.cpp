#include "sim_bridge/state/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace vergegrid::bridge {

namespace {

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& file, int error) {
    throw std::runtime_error(what + " " + file.string() + ": " + std::strerror(error));
}

// Makes a rename in `folder` survive a crash (the rename itself lives in the folder's entry).
void sync_folder(const std::filesystem::path& folder) {
    const int fd =
        ::open(folder.empty() ? "." : folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
}

}  // namespace

void refuse_unless_regular_or_absent(const std::filesystem::path& file) {
    struct stat info {};
    if (::lstat(file.c_str(), &info) != 0) {
        if (errno == ENOENT) {
            return;
        }
        fail("cannot inspect", file, errno);
    }
    if (S_ISLNK(info.st_mode)) {
        throw std::runtime_error(file.string() +
                                 " is a symbolic link; refusing to write through or replace it");
    }
    if (!S_ISREG(info.st_mode)) {
        throw std::runtime_error(file.string() + " is not a regular file; refusing to replace it");
    }
}

void write_file_atomically(const std::filesystem::path& file, const std::string& content,
                           mode_t mode) {
    refuse_unless_regular_or_absent(file);
    // A fresh dot-name ending in random characters, created exclusively: mkostemp opens with
    // O_CREAT|O_EXCL, so a file or symlink planted under any name is never opened or followed,
    // and OpenSim's loader (which reads only *.ini and *.xml) never sees the temporary.
    const std::string pattern =
        (file.parent_path() / ("." + file.filename().string() + ".XXXXXX")).string();
    std::vector<char> temp(pattern.begin(), pattern.end());
    temp.push_back('\0');
    const int fd = ::mkostemp(temp.data(), O_CLOEXEC);
    if (fd < 0) {
        fail("cannot create a temporary file for", file, errno);
    }
    const std::filesystem::path temp_path(temp.data());
    auto give_up = [&](const std::string& what, int error) {
        ::close(fd);
        ::unlink(temp_path.c_str());
        fail(what, temp_path, error);
    };
    // mkostemp creates 0600; the caller's mode, exactly (the umask must not change it).
    if (::fchmod(fd, mode) != 0) {
        give_up("cannot set the mode of", errno);
    }
    std::size_t written = 0;
    while (written < content.size()) {
        const auto n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            give_up("cannot write", errno);
        }
        written += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
        give_up("cannot write", errno);
    }
    if (::close(fd) != 0) {
        const int error = errno;
        ::unlink(temp_path.c_str());
        fail("cannot write", temp_path, error);
    }
    // rename() replaces the name itself and never follows a link planted there meanwhile.
    if (::rename(temp_path.c_str(), file.c_str()) != 0) {
        const int error = errno;
        ::unlink(temp_path.c_str());
        fail("cannot replace", file, error);
    }
    sync_folder(file.parent_path());
}

std::string read_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot read " + file.string());
    }
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace vergegrid::bridge
