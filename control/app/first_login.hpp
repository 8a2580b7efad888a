// The operator's first way into the web console: a one-time login link. At the first start (the
// admin just created) the control plane logs one and writes it to <data_dir>/login-link (mode
// 0600, next to admin-token); `vergegrid-control admin login-link` prints a fresh one.
#pragma once

#include <string>

#include "control/access/login_link_service.hpp"
#include "control/app/control_plane.hpp"
#include "control/app/control_settings.hpp"

namespace vergegrid::control {

// "<base>/login#once=<secret>": the secret in the fragment, which browsers never send, so it
// lands in no access log nor Referer.
std::string login_link_url(std::string base_url, const std::string& secret);

// Where operators reach this control plane as configured: ha.advertise_url, else
// http(s)://<listen host or, for a wildcard, this host's name>:<port>.
std::string console_base_url(const ControlSettings& settings);

// Issues the admin's link now (valid kDefaultLoginLinkTtl) and, once the server listens, logs it
// and writes it to <data_dir>/login-link. A failure is logged, never fatal: the admin token still
// works, and `vergegrid-control admin login-link` makes another link.
void offer_first_login_link(const LoginLinkService& links, const ServiceEnvironment& environment);

}  // namespace vergegrid::control
