// An auth provider built against the vendored ABI 1.2 headers. Tokens are "token-<user name>";
// their "hash" is the token reversed (a fixture: nothing here is secret). Passwords are stored as
// "plain:<password>". Everything it reads and writes goes through the AccessStore the host lends.
#include <algorithm>
#include <vergegrid/plugin_api/auth.hpp>

namespace {

namespace api = vergegrid::plugin_api;

std::string fake_hash(std::string token) {
    std::reverse(token.begin(), token.end());
    return token;
}

class PlainAuth final : public api::AuthProvider {
  public:
    std::optional<api::Identity> authenticate(const api::Credentials& credentials,
                                              api::AccessStore& store,
                                              const std::string& now) override {
        const std::string& token =
            credentials.bearer_token.empty() ? credentials.session_token : credentials.bearer_token;
        const auto record = store.find_access_token_by_hash(fake_hash(token));
        if (!record || !record->revoked_at.empty() ||
            (!record->expires_at.empty() && record->expires_at <= now)) {
            return std::nullopt;
        }
        const auto user = store.find_user(record->user_id);
        if (!user || user->disabled) {
            return std::nullopt;
        }
        return api::Identity{user->name, user->role, user->id};
    }
    std::optional<api::IssuedToken> login(const std::string& username, const std::string& password,
                                          api::AccessStore& store,
                                          const std::string& now) override {
        const auto user = store.find_user_by_name(username);
        if (!user || user->disabled || user->password_hash != hash_password(password)) {
            return std::nullopt;
        }
        return issue(*user, "session", "login", "", store, now);
    }
    api::IssuedToken issue_api_token(const api::User& user, const std::string& label,
                                     const std::string& expires_at, api::AccessStore& store,
                                     const std::string& now) override {
        return issue(user, "api", label, expires_at, store, now);
    }
    std::string hash_password(const std::string& password) override {
        if (password.size() < 4) {
            throw std::invalid_argument("a password has at least 4 characters");
        }
        return "plain:" + password;
    }

  private:
    api::IssuedToken issue(const api::User& user, const std::string& kind, const std::string& label,
                           const std::string& expires_at, api::AccessStore& store,
                           const std::string& now) {
        const std::string token = "token-" + user.name + "-" + std::to_string(++issued_);
        api::AccessToken record{"id-" + token, fake_hash(token), kind, user.id, label,
                                now,           expires_at,       ""};
        store.insert_access_token(record);
        return {token, record};
    }
    int issued_ = 0;
};

api::PluginObject* create(const api::HostContext&) {
    return new PlainAuth();
}

const char* const kConfigKeys[] = {nullptr};

const api::PluginDescriptor kDescriptor{
    sizeof(api::PluginDescriptor),
    api::kAbiMajor,
    api::kAbiMinor,
    "auth",
    FIXTURE_NAME,
    "0.0.1",
    "auth provider built against the ABI 1.2 headers",
    kConfigKeys,
    &create,
};

const api::PluginDescriptor* describe() {
    return &kDescriptor;
}

}  // namespace

VERGEGRID_PLUGIN(describe)
