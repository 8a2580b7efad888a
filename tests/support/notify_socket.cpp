#include "tests/support/notify_socket.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <sstream>
#include <system_error>

namespace vergegrid::test {

NotifySocket::NotifySocket(const std::filesystem::path& dir) : path_(dir / "notify") {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path_.string().size() >= sizeof(address.sun_path)) {
        throw std::system_error(ENAMETOOLONG, std::generic_category(), path_.string());
    }
    std::strncpy(address.sun_path, path_.c_str(), sizeof(address.sun_path) - 1);
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
        throw std::system_error(errno, std::generic_category(), "socket");
    }
    if (::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
        const int error = errno;
        ::close(fd_);
        throw std::system_error(error, std::generic_category(), "bind " + path_.string());
    }
}

NotifySocket::~NotifySocket() {
    ::close(fd_);
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
}

std::optional<std::string> NotifySocket::receive(std::chrono::milliseconds timeout) {
    pollfd waiting{fd_, POLLIN, 0};
    if (::poll(&waiting, 1, static_cast<int>(timeout.count())) <= 0) {
        return std::nullopt;
    }
    std::array<char, 4096> buffer{};
    const auto size = ::recv(fd_, buffer.data(), buffer.size(), 0);
    if (size < 0) {
        return std::nullopt;
    }
    return std::string(buffer.data(), static_cast<std::size_t>(size));
}

std::optional<std::string> NotifySocket::wait_for(const std::string& assignment,
                                                  std::chrono::milliseconds timeout,
                                                  std::string* skipped) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            return std::nullopt;
        }
        auto message = receive(left);
        if (!message) {
            return std::nullopt;
        }
        std::istringstream lines(*message);
        for (std::string line; std::getline(lines, line);) {
            if (line == assignment) {
                return message;
            }
        }
        if (skipped != nullptr) {
            *skipped += *message + "\n";
        }
    }
}

}  // namespace vergegrid::test
