#include "service_notify/service_notify.hpp"

#include <systemd/sd-daemon.h>

namespace vergegrid::service_notify {

namespace {

// A line break would start another assignment in the message: a status is one line.
std::string one_line(const std::string& text) {
    std::string line = text;
    for (auto& c : line) {
        if (c == '\n' || c == '\r') {
            c = ' ';
        }
    }
    return line;
}

// sd_notify answers > 0 when sent, 0 when NOTIFY_SOCKET is unset, < 0 on an error: a failed
// notification must not stop the program (systemd then times the start out and says so).
bool send(const std::string& message) {
    return ::sd_notify(0, message.c_str()) > 0;
}

}  // namespace

bool notify_ready(const std::string& status) {
    return send("READY=1\nSTATUS=" + one_line(status));
}

bool notify_stopping(const std::string& status) {
    return send("STOPPING=1\nSTATUS=" + one_line(status));
}

bool notify_status(const std::string& status) {
    return send("STATUS=" + one_line(status));
}

}  // namespace vergegrid::service_notify
