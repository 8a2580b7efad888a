// Records of who may use the control plane: operators (users with a role), their API tokens and
// web sessions, and simulators with their registration tokens and API keys. Secrets are never
// stored: only SHA-256 hashes of high-entropy tokens and Argon2id hashes of passwords.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vergegrid::plugin_api {

struct User {
    std::string id;  // UUID
    std::string name;
    std::string role;           // admin, operator, viewer
    std::string password_hash;  // Argon2id encoded string; empty = token-only user
    bool disabled = false;
    std::string created_at;
};

// An operator's bearer token or a web session (kind "api" or "session").
struct AccessToken {
    std::string id;          // UUID
    std::string token_hash;  // hex SHA-256 of the token
    std::string kind;        // api, session
    std::string user_id;
    std::string label;  // what the operator called it
    std::string created_at;
    std::string expires_at;  // "" = never
    std::string revoked_at;  // "" = valid
};

struct RegistrationToken {
    std::string id;  // UUID
    std::string token_hash;
    std::vector<std::string> labels;  // given to the simulator that registers with it
    std::string created_by;
    std::string created_at;
    std::string expires_at;
    std::string used_at;  // "" = unused; set once, by the registration that consumed it
    std::string used_by_simulator;
};

struct Simulator {
    std::string id;  // UUID
    std::string hostname;
    std::vector<std::string> labels;
    int capacity = 0;  // regions the operator allows on it
    std::string push_url;
    std::string state;  // registered, online, offline, cordoned, revoked
    std::string key_hash;
    std::string previous_key_hash;        // valid until previous_key_expires_at (rotation overlap)
    std::string previous_key_expires_at;  // "" = no previous key
    std::string registered_at;
    std::string last_heartbeat_at;  // "" = never
    double cpu_load = 0.0;          // observed, 0..1
    double memory_load = 0.0;       // observed, 0..1
    int region_count = 0;           // observed
};

}  // namespace vergegrid::plugin_api
