#include "control/access/deferred_writes.hpp"

#include <stdexcept>

#include "control/common/extensions.hpp"

namespace vergegrid::control {

namespace api = plugin_api;

template <typename Read>
auto DeferredWrites::read(Read&& read) const {
    return store_.read(
        [&](api::StorageTransaction& tx) { return std::forward<Read>(read)(access_store(tx)); });
}

int DeferredWrites::count_users() {
    return read([&](api::AccessStore& store) { return store.count_users(); });
}
std::optional<api::User> DeferredWrites::find_user(const std::string& id) {
    return read([&](api::AccessStore& store) { return store.find_user(id); });
}
std::optional<api::User> DeferredWrites::find_user_by_name(const std::string& name) {
    auto user = read([&](api::AccessStore& store) { return store.find_user_by_name(name); });
    if (user) {
        users_read_.push_back(*user);
    }
    return user;
}
std::vector<api::User> DeferredWrites::list_users() {
    return read([&](api::AccessStore& store) { return store.list_users(); });
}
void DeferredWrites::insert_user(const api::User& user) {
    writes_.emplace_back([user](api::AccessStore& store) { store.insert_user(user); });
}
void DeferredWrites::update_user(const api::User& user) {
    writes_.emplace_back([user](api::AccessStore& store) { store.update_user(user); });
}

std::optional<api::AccessToken> DeferredWrites::find_access_token_by_hash(
    const std::string& token_hash) {
    return read(
        [&](api::AccessStore& store) { return store.find_access_token_by_hash(token_hash); });
}
std::vector<api::AccessToken> DeferredWrites::list_access_tokens(const std::string& user_id) {
    return read([&](api::AccessStore& store) { return store.list_access_tokens(user_id); });
}
void DeferredWrites::insert_access_token(const api::AccessToken& token) {
    writes_.emplace_back([token](api::AccessStore& store) { store.insert_access_token(token); });
}
void DeferredWrites::revoke_access_token(const std::string& id, const std::string& at) {
    writes_.emplace_back([id, at](api::AccessStore& store) { store.revoke_access_token(id, at); });
}

std::optional<api::RegistrationToken> DeferredWrites::find_registration_token_by_hash(
    const std::string& token_hash) {
    return read(
        [&](api::AccessStore& store) { return store.find_registration_token_by_hash(token_hash); });
}
void DeferredWrites::insert_registration_token(const api::RegistrationToken& token) {
    writes_.emplace_back(
        [token](api::AccessStore& store) { store.insert_registration_token(token); });
}
// Its answer depends on the write itself: a login has no business consuming one.
bool DeferredWrites::consume_registration_token(const std::string&, const std::string&,
                                                const std::string&) {
    throw std::logic_error("a login may not consume a registration token");
}

std::optional<api::Simulator> DeferredWrites::find_simulator(const std::string& id) {
    return read([&](api::AccessStore& store) { return store.find_simulator(id); });
}
std::optional<api::Simulator> DeferredWrites::find_simulator_by_key_hash(
    const std::string& key_hash) {
    return read(
        [&](api::AccessStore& store) { return store.find_simulator_by_key_hash(key_hash); });
}
std::vector<api::Simulator> DeferredWrites::list_simulators() {
    return read([&](api::AccessStore& store) { return store.list_simulators(); });
}
void DeferredWrites::insert_simulator(const api::Simulator& simulator) {
    writes_.emplace_back(
        [simulator](api::AccessStore& store) { store.insert_simulator(simulator); });
}
void DeferredWrites::update_simulator(const api::Simulator& simulator) {
    writes_.emplace_back(
        [simulator](api::AccessStore& store) { store.update_simulator(simulator); });
}

}  // namespace vergegrid::control
