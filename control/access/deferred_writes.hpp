// An AccessStore for the auth plugin's login(): each read runs in a short read-only transaction of
// its own, writes are kept to be applied later in one read-write transaction. Checking a password
// costs an Argon2 run (tens of milliseconds); done inside the write transaction, every login queued
// every other writer of the grid behind it (and inside a read one, it would hold one of the few
// pooled connections). The writes a login makes (its new session) are replayed in a short
// transaction once the password is known to be right.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "control/domain/store.hpp"
#include "vergegrid/plugin_api/storage_access.hpp"

namespace vergegrid::control {

class DeferredWrites final : public plugin_api::AccessStore {
  public:
    using Write = std::function<void(plugin_api::AccessStore&)>;

    explicit DeferredWrites(Store store) : store_(store) {}

    // The writes made so far, in order.
    std::vector<Write> take_writes() { return std::move(writes_); }
    // Every user find_user_by_name() returned: the caller checks, in the write transaction,
    // that what the password was checked against still holds.
    const std::vector<plugin_api::User>& users_read() const { return users_read_; }

    int count_users() override;
    std::optional<plugin_api::User> find_user(const std::string& id) override;
    std::optional<plugin_api::User> find_user_by_name(const std::string& name) override;
    std::vector<plugin_api::User> list_users() override;
    void insert_user(const plugin_api::User& user) override;
    void update_user(const plugin_api::User& user) override;

    std::optional<plugin_api::AccessToken> find_access_token_by_hash(
        const std::string& token_hash) override;
    std::vector<plugin_api::AccessToken> list_access_tokens(const std::string& user_id) override;
    void insert_access_token(const plugin_api::AccessToken& token) override;
    void revoke_access_token(const std::string& id, const std::string& at) override;

    std::optional<plugin_api::RegistrationToken> find_registration_token_by_hash(
        const std::string& token_hash) override;
    void insert_registration_token(const plugin_api::RegistrationToken& token) override;
    bool consume_registration_token(const std::string& id, const std::string& simulator_id,
                                    const std::string& at) override;

    std::optional<plugin_api::Simulator> find_simulator(const std::string& id) override;
    std::optional<plugin_api::Simulator> find_simulator_by_key_hash(
        const std::string& key_hash) override;
    std::vector<plugin_api::Simulator> list_simulators() override;
    void insert_simulator(const plugin_api::Simulator& simulator) override;
    void update_simulator(const plugin_api::Simulator& simulator) override;

  private:
    template <typename Read>
    auto read(Read&& read) const;

    Store store_;
    std::vector<Write> writes_;
    std::vector<plugin_api::User> users_read_;
};

}  // namespace vergegrid::control
