#include "control/access/access_documents.hpp"

#include "control/domain/domain_error.hpp"

namespace vergegrid::control {

namespace {
nlohmann::json text_or_null(const std::string& text) {
    return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}
}  // namespace

nlohmann::json user_document(const plugin_api::User& user) {
    return {{"id", user.id},
            {"name", user.name},
            {"role", user.role},
            {"disabled", user.disabled},
            {"has_password", !user.password_hash.empty()},
            {"created_at", user.created_at}};
}

nlohmann::json token_document(const plugin_api::AccessToken& token) {
    return {{"id", token.id},
            {"kind", token.kind},
            {"label", token.label},
            {"created_at", token.created_at},
            {"expires_at", text_or_null(token.expires_at)},
            {"revoked_at", text_or_null(token.revoked_at)}};
}

std::shared_ptr<plugin_api::AuthProvider> active_auth(const AuthSlot& slot) {
    auto auth = slot.get();
    if (!auth) {
        throw DomainError(Fault::unavailable, "auth_unavailable", "no auth provider is active");
    }
    return auth;
}

}  // namespace vergegrid::control
