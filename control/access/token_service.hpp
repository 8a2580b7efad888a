// An operator's API tokens: issue (the token is shown once), list, revoke. An expiry is never
// (empty) or an RFC 3339 UTC time in the future. Events: token.create, token.revoke.
#pragma once

#include <string>
#include <vector>

#include "control/access/access_documents.hpp"
#include "control/domain/store.hpp"

namespace vergegrid::control {

struct NewToken {
    std::string label = "api token";
    std::string expires_at;  // "" never; else any RFC 3339 UTC form, see checked_expiry()
};

class TokenService {
  public:
    TokenService(Store store, AuthSlot& auth, AccessChanged access_changed)
        : store_(store), auth_(&auth), access_changed_(std::move(access_changed)) {}

    // Every token of the user, sessions included; DomainError not_found for an unknown user.
    std::vector<plugin_api::AccessToken> list(const std::string& user_id) const;

    // invalid_field expires_at, unavailable "auth_unavailable", not_found.
    Committed<plugin_api::IssuedToken> create(const Actor& actor, const std::string& user_id,
                                              const NewToken& token) const;

    // not_found for an unknown user or a token that is not the user's.
    Committed<void> revoke(const Actor& actor, const std::string& user_id,
                           const std::string& token_id) const;

  private:
    Store store_;
    AuthSlot* auth_;
    AccessChanged access_changed_;
};

// "" for "" (never); else the time in the control plane's own form ("2027-01-31T12:00:00.000Z").
// DomainError invalid_field "expires_at" for text that is no RFC 3339 UTC timestamp or a time not
// after `now`. Compared as text, "9999" or "garbage" sorted after every date and made a token
// that never expired.
std::string checked_expiry(const std::string& text, const std::string& now);

}  // namespace vergegrid::control
