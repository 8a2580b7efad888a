// AccessStore (plugin ABI 1.1): users, their access tokens, registration tokens and simulators.
// Booleans travel as INTEGER 0/1, label lists as JSON arrays, optional times as '' and the
// simulators' key hashes as NULL when empty (their unique index must not see two empty keys).
#include <soci/boost-optional.h>
#include <soci/soci.h>

#include "region_row.hpp"
#include "select_rows.hpp"
#include "soci_transaction.hpp"

namespace vergegrid::plugins::sql {

namespace api = plugin_api;

namespace {

boost::optional<std::string> null_if_empty(const std::string& text) {
    return text.empty() ? boost::optional<std::string>() : boost::optional<std::string>(text);
}

// For select_rows / select_first: binds one key parameter named "key".

// ---- users ------------------------------------------------------------------------------------

constexpr const char* kUserSelect =
    "SELECT id, name, role, password_hash, disabled, created_at FROM users";

struct UserRow {
    api::User user;
    int disabled = 0;
};

void bind_user(soci::statement& st, UserRow& row) {
    api::User& u = row.user;
    st.exchange(soci::into(u.id));
    st.exchange(soci::into(u.name));
    st.exchange(soci::into(u.role));
    st.exchange(soci::into(u.password_hash));
    st.exchange(soci::into(row.disabled));
    st.exchange(soci::into(u.created_at));
}

api::User to_user(const UserRow& row) {
    api::User user = row.user;
    user.disabled = row.disabled != 0;
    return user;
}

// ---- access tokens ----------------------------------------------------------------------------

constexpr const char* kAccessTokenSelect =
    "SELECT id, token_hash, kind, user_id, label, created_at, expires_at, revoked_at "
    "FROM access_tokens";

void bind_access_token(soci::statement& st, api::AccessToken& t) {
    st.exchange(soci::into(t.id));
    st.exchange(soci::into(t.token_hash));
    st.exchange(soci::into(t.kind));
    st.exchange(soci::into(t.user_id));
    st.exchange(soci::into(t.label));
    st.exchange(soci::into(t.created_at));
    st.exchange(soci::into(t.expires_at));
    st.exchange(soci::into(t.revoked_at));
}

api::AccessToken as_is(const api::AccessToken& token) {
    return token;
}

// ---- registration tokens ----------------------------------------------------------------------

constexpr const char* kRegistrationTokenSelect =
    "SELECT id, token_hash, labels, created_by, created_at, expires_at, used_at, "
    "used_by_simulator FROM registration_tokens";

struct RegistrationTokenRow {
    api::RegistrationToken token;
    std::string labels;
};

void bind_registration_token(soci::statement& st, RegistrationTokenRow& row) {
    api::RegistrationToken& t = row.token;
    st.exchange(soci::into(t.id));
    st.exchange(soci::into(t.token_hash));
    st.exchange(soci::into(row.labels));
    st.exchange(soci::into(t.created_by));
    st.exchange(soci::into(t.created_at));
    st.exchange(soci::into(t.expires_at));
    st.exchange(soci::into(t.used_at));
    st.exchange(soci::into(t.used_by_simulator));
}

api::RegistrationToken to_registration_token(const RegistrationTokenRow& row) {
    api::RegistrationToken token = row.token;
    token.labels = labels_from_json(
        row.labels, "registration token " + token.id + ": registration_tokens.labels");
    return token;
}

// ---- simulators -------------------------------------------------------------------------------

constexpr const char* kSimulatorSelect =
    "SELECT id, hostname, labels, capacity, push_url, state, key_hash, previous_key_hash, "
    "previous_key_expires_at, registered_at, last_heartbeat_at, cpu_load, memory_load, "
    "region_count FROM simulators";

struct SimulatorRow {
    api::Simulator simulator;
    std::string labels;
    boost::optional<std::string> key_hash;
    boost::optional<std::string> previous_key_hash;
};

void bind_simulator(soci::statement& st, SimulatorRow& row) {
    api::Simulator& s = row.simulator;
    st.exchange(soci::into(s.id));
    st.exchange(soci::into(s.hostname));
    st.exchange(soci::into(row.labels));
    st.exchange(soci::into(s.capacity));
    st.exchange(soci::into(s.push_url));
    st.exchange(soci::into(s.state));
    st.exchange(soci::into(row.key_hash));
    st.exchange(soci::into(row.previous_key_hash));
    st.exchange(soci::into(s.previous_key_expires_at));
    st.exchange(soci::into(s.registered_at));
    st.exchange(soci::into(s.last_heartbeat_at));
    st.exchange(soci::into(s.cpu_load));
    st.exchange(soci::into(s.memory_load));
    st.exchange(soci::into(s.region_count));
}

api::Simulator to_simulator(const SimulatorRow& row) {
    api::Simulator simulator = row.simulator;
    simulator.labels =
        labels_from_json(row.labels, "simulator " + simulator.id + ": simulators.labels");
    simulator.key_hash = row.key_hash.value_or(std::string());
    simulator.previous_key_hash = row.previous_key_hash.value_or(std::string());
    return simulator;
}

}  // namespace

// ---- users ------------------------------------------------------------------------------------

int SociTransaction::count_users() {
    int count = 0;
    run("count_users",
        [&](soci::session& sql) { sql << "SELECT COUNT(*) FROM users", soci::into(count); });
    return count;
}

std::optional<api::User> SociTransaction::find_user(const std::string& id) {
    std::optional<api::User> result;
    run("find_user", [&](soci::session& sql) {
        result = select_first<UserRow>(lease_.statements(), sql,
                                       std::string(kUserSelect) + " WHERE id = :key", bind_user,
                                       BoundValues().text("key", id), to_user);
    });
    return result;
}

std::optional<api::User> SociTransaction::find_user_by_name(const std::string& name) {
    std::optional<api::User> result;
    run("find_user_by_name", [&](soci::session& sql) {
        result = select_first<UserRow>(lease_.statements(), sql,
                                       std::string(kUserSelect) + " WHERE name = :key", bind_user,
                                       BoundValues().text("key", name), to_user);
    });
    return result;
}

std::vector<api::User> SociTransaction::list_users() {
    std::vector<api::User> result;
    run("list_users", [&](soci::session& sql) {
        result = select_rows<UserRow>(lease_.statements(), sql,
                                      std::string(kUserSelect) + " ORDER BY name", bind_user,
                                      BoundValues(), to_user);
    });
    return result;
}

void SociTransaction::insert_user(const api::User& u) {
    run("insert_user", [&](soci::session& sql) {
        const int disabled = u.disabled ? 1 : 0;
        sql << "INSERT INTO users (id, name, role, password_hash, disabled, created_at) "
               "VALUES (:id, :name, :role, :password_hash, :disabled, :created_at)",
            soci::use(u.id, "id"), soci::use(u.name, "name"), soci::use(u.role, "role"),
            soci::use(u.password_hash, "password_hash"), soci::use(disabled, "disabled"),
            soci::use(u.created_at, "created_at");
    });
}

void SociTransaction::update_user(const api::User& u) {
    run("update_user", [&](soci::session& sql) {
        require_row(sql, "SELECT COUNT(*) FROM users WHERE id = :key", u.id, "user");
        const int disabled = u.disabled ? 1 : 0;
        sql << "UPDATE users SET name = :name, role = :role, password_hash = :password_hash, "
               "disabled = :disabled, created_at = :created_at WHERE id = :id",
            soci::use(u.name, "name"), soci::use(u.role, "role"),
            soci::use(u.password_hash, "password_hash"), soci::use(disabled, "disabled"),
            soci::use(u.created_at, "created_at"), soci::use(u.id, "id");
    });
}

// ---- access tokens ----------------------------------------------------------------------------

std::optional<api::AccessToken> SociTransaction::find_access_token_by_hash(
    const std::string& token_hash) {
    std::optional<api::AccessToken> result;
    run("find_access_token_by_hash", [&](soci::session& sql) {
        result = select_first<api::AccessToken>(
            lease_.statements(), sql, std::string(kAccessTokenSelect) + " WHERE token_hash = :key",
            bind_access_token, BoundValues().text("key", token_hash), as_is);
    });
    return result;
}

std::vector<api::AccessToken> SociTransaction::list_access_tokens(const std::string& user_id) {
    std::vector<api::AccessToken> result;
    run("list_access_tokens", [&](soci::session& sql) {
        result = select_rows<api::AccessToken>(
            lease_.statements(), sql,
            std::string(kAccessTokenSelect) +
                " WHERE user_id = :key ORDER BY created_at DESC, id DESC",
            bind_access_token, BoundValues().text("key", user_id), as_is);
    });
    return result;
}

void SociTransaction::insert_access_token(const api::AccessToken& t) {
    run("insert_access_token", [&](soci::session& sql) {
        sql << "INSERT INTO access_tokens (id, token_hash, kind, user_id, label, created_at, "
               "expires_at, revoked_at) VALUES (:id, :token_hash, :kind, :user_id, :label, "
               ":created_at, :expires_at, :revoked_at)",
            soci::use(t.id, "id"), soci::use(t.token_hash, "token_hash"), soci::use(t.kind, "kind"),
            soci::use(t.user_id, "user_id"), soci::use(t.label, "label"),
            soci::use(t.created_at, "created_at"), soci::use(t.expires_at, "expires_at"),
            soci::use(t.revoked_at, "revoked_at");
    });
}

void SociTransaction::revoke_access_token(const std::string& id, const std::string& at) {
    if (at.empty()) {
        throw api::StorageError("revoke_access_token: the revocation time must not be empty");
    }
    run("revoke_access_token", [&](soci::session& sql) {
        require_row(sql, "SELECT COUNT(*) FROM access_tokens WHERE id = :key", id, "access token");
        sql << "UPDATE access_tokens SET revoked_at = :at WHERE id = :id AND revoked_at = ''",
            soci::use(at, "at"), soci::use(id, "id");
    });
}

// ---- registration tokens ----------------------------------------------------------------------

std::optional<api::RegistrationToken> SociTransaction::find_registration_token_by_hash(
    const std::string& token_hash) {
    std::optional<api::RegistrationToken> result;
    run("find_registration_token_by_hash", [&](soci::session& sql) {
        result = select_first<RegistrationTokenRow>(
            lease_.statements(), sql,
            std::string(kRegistrationTokenSelect) + " WHERE token_hash = :key",
            bind_registration_token, BoundValues().text("key", token_hash), to_registration_token);
    });
    return result;
}

void SociTransaction::insert_registration_token(const api::RegistrationToken& t) {
    run("insert_registration_token", [&](soci::session& sql) {
        const std::string labels = labels_to_json(t.labels);
        sql << "INSERT INTO registration_tokens (id, token_hash, labels, created_by, created_at, "
               "expires_at, used_at, used_by_simulator) VALUES (:id, :token_hash, :labels, "
               ":created_by, :created_at, :expires_at, :used_at, :used_by_simulator)",
            soci::use(t.id, "id"), soci::use(t.token_hash, "token_hash"),
            soci::use(labels, "labels"), soci::use(t.created_by, "created_by"),
            soci::use(t.created_at, "created_at"), soci::use(t.expires_at, "expires_at"),
            soci::use(t.used_at, "used_at"), soci::use(t.used_by_simulator, "used_by_simulator");
    });
}

bool SociTransaction::consume_registration_token(const std::string& id,
                                                 const std::string& simulator_id,
                                                 const std::string& at) {
    if (at.empty()) {
        // '' means "unused": the token would stay consumable.
        throw api::StorageError("consume_registration_token: the time must not be empty");
    }
    bool consumed = false;
    run("consume_registration_token", [&](soci::session& sql) {
        // One statement decides: of two concurrent registrations, the second one's UPDATE finds
        // used_at set (after waiting for the first one's row lock) and changes nothing. MariaDB
        // counts changed rows, and this UPDATE always changes used_at from '' to `at`.
        soci::statement st =
            (sql.prepare << "UPDATE registration_tokens SET used_at = :at, "
                            "used_by_simulator = :simulator WHERE id = :id AND "
                            "(used_at IS NULL OR used_at = '')",
             soci::use(at, "at"), soci::use(simulator_id, "simulator"), soci::use(id, "id"));
        st.execute(true);
        consumed = st.get_affected_rows() == 1;
        if (!consumed) {
            require_row(sql, "SELECT COUNT(*) FROM registration_tokens WHERE id = :key", id,
                        "registration token");
        }
    });
    return consumed;
}

// ---- simulators -------------------------------------------------------------------------------

std::optional<api::Simulator> SociTransaction::find_simulator(const std::string& id) {
    std::optional<api::Simulator> result;
    run("find_simulator", [&](soci::session& sql) {
        result = select_first<SimulatorRow>(
            lease_.statements(), sql, std::string(kSimulatorSelect) + " WHERE id = :key",
            bind_simulator, BoundValues().text("key", id), to_simulator);
    });
    return result;
}

std::optional<api::Simulator> SociTransaction::find_simulator_by_key_hash(
    const std::string& key_hash) {
    std::optional<api::Simulator> result;
    if (key_hash.empty()) {
        return result;  // an empty key never identifies anyone (and is stored as NULL)
    }
    run("find_simulator_by_key_hash", [&](soci::session& sql) {
        // Two indexed lookups rather than one OR: the current key wins should a key ever be one
        // simulator's current and another's previous.
        result = select_first<SimulatorRow>(
            lease_.statements(), sql, std::string(kSimulatorSelect) + " WHERE key_hash = :key",
            bind_simulator, BoundValues().text("key", key_hash), to_simulator);
        if (!result) {
            result = select_first<SimulatorRow>(
                lease_.statements(), sql,
                std::string(kSimulatorSelect) +
                    " WHERE previous_key_hash = :key ORDER BY id LIMIT 1",
                bind_simulator, BoundValues().text("key", key_hash), to_simulator);
        }
    });
    return result;
}

std::vector<api::Simulator> SociTransaction::list_simulators() {
    std::vector<api::Simulator> result;
    run("list_simulators", [&](soci::session& sql) {
        result = select_rows<SimulatorRow>(lease_.statements(), sql,
                                           std::string(kSimulatorSelect) + " ORDER BY hostname, id",
                                           bind_simulator, BoundValues(), to_simulator);
    });
    return result;
}

void SociTransaction::insert_simulator(const api::Simulator& s) {
    run("insert_simulator", [&](soci::session& sql) {
        const std::string labels = labels_to_json(s.labels);
        const boost::optional<std::string> key_hash = null_if_empty(s.key_hash);
        const boost::optional<std::string> previous_key_hash = null_if_empty(s.previous_key_hash);
        sql << "INSERT INTO simulators (id, hostname, labels, capacity, push_url, state, "
               "key_hash, previous_key_hash, previous_key_expires_at, registered_at, "
               "last_heartbeat_at, cpu_load, memory_load, region_count) VALUES (:id, :hostname, "
               ":labels, :capacity, :push_url, :state, :key_hash, :previous_key_hash, "
               ":previous_key_expires_at, :registered_at, :last_heartbeat_at, :cpu_load, "
               ":memory_load, :region_count)",
            soci::use(s.id, "id"), soci::use(s.hostname, "hostname"), soci::use(labels, "labels"),
            soci::use(s.capacity, "capacity"), soci::use(s.push_url, "push_url"),
            soci::use(s.state, "state"), soci::use(key_hash, "key_hash"),
            soci::use(previous_key_hash, "previous_key_hash"),
            soci::use(s.previous_key_expires_at, "previous_key_expires_at"),
            soci::use(s.registered_at, "registered_at"),
            soci::use(s.last_heartbeat_at, "last_heartbeat_at"), soci::use(s.cpu_load, "cpu_load"),
            soci::use(s.memory_load, "memory_load"), soci::use(s.region_count, "region_count");
        log_grid_change(sql, "simulator", s.id);
    });
}

void SociTransaction::update_simulator(const api::Simulator& s) {
    run("update_simulator", [&](soci::session& sql) {
        require_row(sql, "SELECT COUNT(*) FROM simulators WHERE id = :key", s.id, "simulator");
        const std::string labels = labels_to_json(s.labels);
        const boost::optional<std::string> key_hash = null_if_empty(s.key_hash);
        const boost::optional<std::string> previous_key_hash = null_if_empty(s.previous_key_hash);
        sql << "UPDATE simulators SET hostname = :hostname, labels = :labels, "
               "capacity = :capacity, push_url = :push_url, state = :state, key_hash = :key_hash, "
               "previous_key_hash = :previous_key_hash, "
               "previous_key_expires_at = :previous_key_expires_at, "
               "registered_at = :registered_at, last_heartbeat_at = :last_heartbeat_at, "
               "cpu_load = :cpu_load, memory_load = :memory_load, region_count = :region_count "
               "WHERE id = :id",
            soci::use(s.hostname, "hostname"), soci::use(labels, "labels"),
            soci::use(s.capacity, "capacity"), soci::use(s.push_url, "push_url"),
            soci::use(s.state, "state"), soci::use(key_hash, "key_hash"),
            soci::use(previous_key_hash, "previous_key_hash"),
            soci::use(s.previous_key_expires_at, "previous_key_expires_at"),
            soci::use(s.registered_at, "registered_at"),
            soci::use(s.last_heartbeat_at, "last_heartbeat_at"), soci::use(s.cpu_load, "cpu_load"),
            soci::use(s.memory_load, "memory_load"), soci::use(s.region_count, "region_count"),
            soci::use(s.id, "id");
        log_grid_change(sql, "simulator", s.id);
    });
}

}  // namespace vergegrid::plugins::sql
