#include "control/access/private_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdexcept>

namespace vergegrid::control {

void write_private_file(const std::filesystem::path& file, const std::string& text) {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        throw std::runtime_error("cannot write " + file.string());
    }
    const std::string line = text + "\n";
    const bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    ::fchmod(fd, 0600);
    ::close(fd);
    if (!written) {
        throw std::runtime_error("cannot write " + file.string());
    }
}

}  // namespace vergegrid::control
