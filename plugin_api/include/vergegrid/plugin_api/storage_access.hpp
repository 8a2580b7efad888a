// ABI 1.1 extension of StorageTransaction: users, tokens, registration tokens and simulators.
// A transaction of a 1.0 storage plugin does not implement it (dynamic_cast gives null): the
// control plane then cannot keep users and refuses to start, naming the reason (see
// docs/plugin-abi.md, "A storage plugin of ABI 1.0").
#pragma once

#include <boost/config.hpp>
#include <optional>
#include <string>
#include <vector>

#include "vergegrid/plugin_api/access_model.hpp"

namespace vergegrid::plugin_api {

// Since 1.1 (every method below). Implemented by the transaction object; the host finds it with
// dynamic_cast and never deletes it through this interface. Records in and out as for
// StorageTransaction (access_model.hpp: IN/OUT, frozen). The host also lends it to an
// AuthProvider for the duration of one call.
class BOOST_SYMBOL_VISIBLE AccessStore {
  public:
    virtual ~AccessStore() = default;

    virtual int count_users() = 0;
    virtual std::optional<User> find_user(const std::string& id) = 0;
    virtual std::optional<User> find_user_by_name(const std::string& name) = 0;
    virtual std::vector<User> list_users() = 0;  // by name
    virtual void insert_user(const User& user) = 0;
    virtual void update_user(const User& user) = 0;

    virtual std::optional<AccessToken> find_access_token_by_hash(const std::string& token_hash) = 0;
    virtual std::vector<AccessToken> list_access_tokens(
        const std::string& user_id) = 0;  // newest first
    virtual void insert_access_token(const AccessToken& token) = 0;
    virtual void revoke_access_token(const std::string& id, const std::string& at) = 0;

    virtual std::optional<RegistrationToken> find_registration_token_by_hash(
        const std::string& token_hash) = 0;
    virtual void insert_registration_token(const RegistrationToken& token) = 0;
    // Marks it used; returns false when it was used already (by a concurrent registration).
    virtual bool consume_registration_token(const std::string& id, const std::string& simulator_id,
                                            const std::string& at) = 0;

    virtual std::optional<Simulator> find_simulator(const std::string& id) = 0;
    // Matches key_hash, or previous_key_hash (the caller checks its expiry).
    virtual std::optional<Simulator> find_simulator_by_key_hash(const std::string& key_hash) = 0;
    virtual std::vector<Simulator> list_simulators() = 0;  // by hostname, then id
    virtual void insert_simulator(const Simulator& simulator) = 0;
    virtual void update_simulator(const Simulator& simulator) = 0;
};

}  // namespace vergegrid::plugin_api
