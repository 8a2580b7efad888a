#include "new_password/new_password.hpp"

#include <termios.h>
#include <unistd.h>

namespace vergegrid::new_password {

namespace {

// Echo off for as long as it lives, restored whatever happens (even when reading throws).
class EchoOff {
  public:
    explicit EchoOff(int fd) : fd_(fd) {
        if (::tcgetattr(fd_, &saved_) == 0) {
            termios quiet = saved_;
            quiet.c_lflag &= static_cast<tcflag_t>(~ECHO);
            quiet.c_lflag |= ECHONL;  // the Enter still moves the cursor to the next line
            active_ = ::tcsetattr(fd_, TCSAFLUSH, &quiet) == 0;
        }
    }
    ~EchoOff() {
        if (active_) {
            ::tcsetattr(fd_, TCSAFLUSH, &saved_);
        }
    }
    EchoOff(const EchoOff&) = delete;
    EchoOff& operator=(const EchoOff&) = delete;

  private:
    int fd_;
    termios saved_{};
    bool active_ = false;
};

std::string ask_hidden(const PasswordSource& source, const std::string& question) {
    // Echo off before the question: a line typed as soon as it shows is then neither echoed nor
    // flushed away by the switch.
    const EchoOff quiet(source.in_fd);
    source.prompt << question << std::flush;
    std::string line;
    if (!std::getline(source.in, line)) {
        throw PasswordInputError("no password typed");
    }
    if (!line.empty() && line.back() == '\r') {
        line.pop_back();
    }
    return line;
}

}  // namespace

std::string first_line(std::istream& in) {
    std::string line;
    std::getline(in, line);
    if (!line.empty() && line.back() == '\r') {
        line.pop_back();
    }
    return line;
}

std::string read_new_password(const PasswordSource& source, const std::string& whose) {
    if (source.from_stdin || ::isatty(source.in_fd) == 0) {
        auto password = first_line(source.in);
        if (password.empty()) {
            throw PasswordInputError("no password on standard input (its first line is empty)");
        }
        return password;
    }
    const auto password = ask_hidden(source, "New password for " + whose + ": ");
    if (password.empty()) {
        throw PasswordInputError("the password is empty");
    }
    if (ask_hidden(source, "The same password again: ") != password) {
        throw PasswordInputError("the two passwords differ; nothing changed");
    }
    return password;
}

}  // namespace vergegrid::new_password
