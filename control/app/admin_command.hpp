// `vergegrid-control admin set-password|login-link`: an operator on the control plane's machine
// gets into the web console without curl. Both read the server's settings (--config, --data-dir,
// VERGEGRID_*), open its storage through the plugin host as the server does (SQLite, PostgreSQL,
// MariaDB; the server may be running), and create the first admin when the database is still
// empty, exactly as the first start would. Changes go through the access services (one
// transaction each, audited as "local:admin-command").
#pragma once

#include <spdlog/fwd.h>
#include <CLI/CLI.hpp>
#include <memory>
#include <string>

#include "control/app/control_settings.hpp"

namespace vergegrid::control {

class AdminCommand {
  public:
    // Adds "admin" and its subcommands to `cli`.
    explicit AdminCommand(CLI::App& cli);

    bool chosen() const;
    // The exit status: 0 done, 1 refused (unknown user, weak password, storage), 2 bad input.
    int run(const ControlSettings& settings, const std::shared_ptr<spdlog::logger>& log) const;

  private:
    CLI::App* set_password_ = nullptr;
    CLI::App* login_link_ = nullptr;
    std::string user_ = "admin";
    bool password_stdin_ = false;
    int ttl_min_ = 15;
};

}  // namespace vergegrid::control
