#include "control/app/first_login.hpp"

#include <Poco/Net/DNS.h>
#include <spdlog/spdlog.h>

#include "control/access/private_file.hpp"

namespace vergegrid::control {

std::string login_link_url(std::string base_url, const std::string& secret) {
    while (!base_url.empty() && base_url.back() == '/') {
        base_url.pop_back();
    }
    return base_url + "/login#once=" + secret;
}

std::string console_base_url(const ControlSettings& settings) {
    if (!settings.ha.advertise_url.empty()) {
        return settings.ha.advertise_url;
    }
    const auto& listen = settings.listen_host;
    const bool wildcard = listen == "0.0.0.0" || listen == "::";
    const std::string host = wildcard ? Poco::Net::DNS::hostName() : listen;
    const std::string bracketed = host.find(':') == std::string::npos ? host : "[" + host + "]";
    return std::string(settings.tls.enabled() ? "https" : "http") + "://" + bracketed + ":" +
           std::to_string(settings.listen_port);
}

void offer_first_login_link(const LoginLinkService& links, const ServiceEnvironment& environment) {
    std::string secret;
    try {
        secret = links.issue(Actor{"system:first-start", ""}, "admin").value.secret;
    } catch (const std::exception& e) {
        environment.log->warn("no first login link: {}", e.what());
        return;
    }
    environment.when_listening([secret, environment] {
        const auto url = login_link_url(environment.replica_url(), secret);
        const auto file = environment.data_dir / "login-link";
        try {
            write_private_file(file, url);
        } catch (const std::exception& e) {
            environment.log->warn("{}", e.what());
        }
        environment.log->info(
            "first login: open {} within {} minutes to log in to the console as 'admin' (once; "
            "also in {}). Then set a password, or run 'vergegrid-control admin set-password'",
            url, kDefaultLoginLinkTtl.count(), file.string());
    });
}

}  // namespace vergegrid::control
