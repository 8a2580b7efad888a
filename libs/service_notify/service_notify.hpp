// Tells the service manager how the program is doing (systemd's Type=notify, sd_notify(3)).
// Every call is a no-op answering false when NOTIFY_SOCKET is unset (not run by systemd, or a
// unit of another Type), so the programs call them unconditionally.
#pragma once

#include <string>

namespace vergegrid::service_notify {

// READY=1 with a STATUS line: start-up is complete, `systemctl start` may return.
bool notify_ready(const std::string& status);
// STOPPING=1 with a STATUS line: the program began its shutdown.
bool notify_stopping(const std::string& status);
// STATUS=<text>: shown by `systemctl status`.
bool notify_status(const std::string& status);

}  // namespace vergegrid::service_notify
