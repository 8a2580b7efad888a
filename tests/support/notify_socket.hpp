// The service manager's side of sd_notify(3) for tests: a unix datagram socket bound in a
// directory the test owns, whose path a program under test gets as NOTIFY_SOCKET.
#pragma once

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>

namespace vergegrid::test {

class NotifySocket {
  public:
    // Binds `<dir>/notify`; throws std::system_error when it cannot.
    explicit NotifySocket(const std::filesystem::path& dir);
    ~NotifySocket();
    NotifySocket(const NotifySocket&) = delete;
    NotifySocket& operator=(const NotifySocket&) = delete;

    const std::filesystem::path& path() const { return path_; }
    // The next message (one datagram, e.g. "READY=1\nSTATUS=..."), or nullopt after `timeout`.
    std::optional<std::string> receive(std::chrono::milliseconds timeout);
    // Messages until one holds `assignment` as a whole line (e.g. "READY=1"); that message, or
    // nullopt after `timeout`. The messages passed over are appended to `skipped` when given.
    std::optional<std::string> wait_for(const std::string& assignment,
                                        std::chrono::milliseconds timeout,
                                        std::string* skipped = nullptr);

  private:
    std::filesystem::path path_;
    int fd_ = -1;
};

}  // namespace vergegrid::test
