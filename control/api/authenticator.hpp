// Tells who is calling from a request's credentials: a simulator's API key ("vgs_..."), or an
// operator's bearer token or session cookie, which the auth plugin checks.
#pragma once

#include <memory>

#include "control/api/auth_cache.hpp"
#include "control/common/simulator_key.hpp"
#include "control/domain/store.hpp"
#include "kernel/http/request.hpp"
#include "kernel/services/active_slot.hpp"
#include "vergegrid/plugin_api/auth.hpp"

namespace vergegrid::control {

inline constexpr const char* kSessionCookie = "vergegrid_session";

class Authenticator {
  public:
    Authenticator(Store store, kernel::services::ActiveSlot<plugin_api::AuthProvider>& auth,
                  std::shared_ptr<AuthCache> cache)
        : store_(store), auth_(&auth), cache_(std::move(cache)) {}

    // Anonymous when there are no credentials or they are not valid.
    kernel::http::Caller operator()(const kernel::http::Request& request) const;

  private:
    Store store_;
    kernel::services::ActiveSlot<plugin_api::AuthProvider>* auth_;
    std::shared_ptr<AuthCache> cache_;  // operators only: a simulator's key is checked each time
};

// The value of one cookie in a Cookie header, or "".
std::string cookie_value(const std::string& header, const std::string& name);

}  // namespace vergegrid::control
