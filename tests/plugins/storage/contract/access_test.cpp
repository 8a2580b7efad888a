// AccessStore (plugin ABI 1.1): users, access tokens, registration tokens and simulators, through
// the extension interface the host reaches with dynamic_cast.
#include <gmock/gmock.h>

#include <atomic>
#include <latch>
#include <mutex>
#include <string>
#include <thread>

#include "storage_contract.hpp"

namespace vergegrid::test::storage {
namespace {

namespace api = plugin_api;
using ::testing::ElementsAre;

template <typename Record>
std::vector<std::string> dumps(const std::vector<Record>& records) {
    std::vector<std::string> out;
    for (const auto& record : records) {
        out.push_back(dump(record));
    }
    return out;
}

TEST_P(StorageContract, EveryTransactionImplementsTheAbi11Extensions) {
    for (const auto access : {api::Access::read, api::Access::read_write}) {
        auto tx = storage().begin(access);
        auto* access_store = dynamic_cast<api::AccessStore*>(tx.get());
        auto* operation_store = dynamic_cast<api::OperationStore*>(tx.get());
        ASSERT_NE(access_store, nullptr) << "AccessStore from the plugin's StorageTransaction";
        ASSERT_NE(operation_store, nullptr)
            << "OperationStore from the plugin's StorageTransaction";
        // Cross-casts between the interfaces and back land on the same object.
        EXPECT_EQ(dynamic_cast<api::OperationStore*>(access_store), operation_store);
        EXPECT_EQ(dynamic_cast<api::StorageTransaction*>(operation_store), tx.get());
        EXPECT_EQ(access_store->count_users(), 0);
        EXPECT_TRUE(operation_store->list_operations({}, 0, 10).empty());
    }
}

TEST_P(StorageContract, UsersRoundTripEveryFieldAndListByName) {
    api::User alice = sample_user(1, "alice");
    api::User bob = sample_user(2, "Bob Ümlaut 🛠");
    bob.role = "admin";
    bob.password_hash = "";  // token-only
    bob.disabled = true;
    api::User carol = sample_user(3, "carol");
    carol.role = "viewer";
    {
        auto tx = write();
        auto& store = access_store(*tx);
        EXPECT_EQ(store.count_users(), 0);
        EXPECT_FALSE(store.find_user(alice.id).has_value());
        for (const auto& user : {carol, alice, bob}) {
            store.insert_user(user);
        }
        tx->commit();
    }
    {
        auto tx = read();
        auto& store = access_store(*tx);
        EXPECT_EQ(store.count_users(), 3);
        for (const auto& user : {alice, bob, carol}) {
            const auto by_id = store.find_user(user.id);
            ASSERT_TRUE(by_id.has_value()) << user.name;
            EXPECT_EQ(dump(*by_id), dump(user));
            const auto by_name = store.find_user_by_name(user.name);
            ASSERT_TRUE(by_name.has_value()) << user.name;
            EXPECT_EQ(dump(*by_name), dump(user));
        }
        EXPECT_FALSE(store.find_user_by_name("Alice").has_value()) << "names compare exactly";
        EXPECT_FALSE(store.find_user(uuid(99)).has_value());
        // Byte order: upper case before lower case.
        EXPECT_THAT(dumps(store.list_users()), ElementsAre(dump(bob), dump(alice), dump(carol)));
    }
    api::User changed = alice;
    changed.name = "alice-renamed";
    changed.role = "admin";
    changed.password_hash = "";
    changed.disabled = true;
    changed.created_at = "2027-01-01T00:00:00.000Z";
    {
        auto tx = write();
        access_store(*tx).update_user(changed);
        tx->commit();
    }
    auto tx = read();
    EXPECT_EQ(dump(*access_store(*tx).find_user(alice.id)), dump(changed));
    EXPECT_FALSE(access_store(*tx).find_user_by_name("alice").has_value());
    EXPECT_EQ(access_store(*tx).count_users(), 3);
}

TEST_P(StorageContract, UpdatingAMissingUserOrSimulatorIsAStorageError) {
    EXPECT_THROW(access_store(*write()).update_user(sample_user(9, "ghost")), api::StorageError);
    EXPECT_THROW(access_store(*write()).update_simulator(sample_simulator(9, "ghost")),
                 api::StorageError);
    EXPECT_THROW(access_store(*write()).revoke_access_token(uuid(9), "2026-01-01T00:00:00.000Z"),
                 api::StorageError);
    EXPECT_THROW(access_store(*write()).consume_registration_token(uuid(9), uuid(10),
                                                                   "2026-01-01T00:00:00.000Z"),
                 api::StorageError);
    EXPECT_EQ(access_store(*read()).count_users(), 0);
}

TEST_P(StorageContract, UserNamesAndIdsAreUniqueAndRolesAreChecked) {
    {
        auto tx = write();
        access_store(*tx).insert_user(sample_user(1, "taken"));
        access_store(*tx).insert_user(sample_user(2, "other"));
        tx->commit();
    }
    expect_storage_conflict(
        write(), [](auto& tx) { access_store(tx).insert_user(sample_user(3, "taken")); },
        "a second user named taken");
    expect_storage_conflict(
        write(), [](auto& tx) { access_store(tx).insert_user(sample_user(1, "fresh")); },
        "a second user with the same id");
    expect_storage_conflict(
        write(),
        [](auto& tx) {
            auto renamed = sample_user(2, "taken");
            access_store(tx).update_user(renamed);
        },
        "renaming a user onto a taken name");
    expect_storage_conflict(
        write(),
        [](auto& tx) {
            auto root = sample_user(4, "root");
            root.role = "root";
            access_store(tx).insert_user(root);
        },
        "role 'root'");
    EXPECT_EQ(access_store(*read()).count_users(), 2);
}

TEST_P(StorageContract, AccessTokensRoundTripAndListNewestFirstPerUser) {
    const api::User user = sample_user(1, "alice");
    const api::User other = sample_user(2, "bob");
    api::AccessToken oldest = sample_access_token(10, user.id);
    oldest.created_at = "2026-01-01T00:00:00.000Z";
    api::AccessToken session = sample_access_token(11, user.id);
    session.kind = "session";
    session.label = "";
    session.created_at = "2026-03-01T00:00:00.000Z";
    session.expires_at = "2026-03-01T12:00:00.000Z";
    api::AccessToken revoked = sample_access_token(12, user.id);
    revoked.created_at = "2026-02-01T00:00:00.000Z";
    revoked.revoked_at = "2026-02-02T00:00:00.000Z";
    // Same creation time as `revoked`: the larger id comes first.
    api::AccessToken twin = sample_access_token(13, user.id);
    twin.created_at = revoked.created_at;
    const api::AccessToken bobs = sample_access_token(14, other.id);
    {
        auto tx = write();
        auto& store = access_store(*tx);
        store.insert_user(user);
        store.insert_user(other);
        for (const auto& token : {twin, oldest, bobs, session, revoked}) {
            store.insert_access_token(token);
        }
        tx->commit();
    }
    auto tx = read();
    auto& store = access_store(*tx);
    for (const auto& token : {oldest, session, revoked, twin, bobs}) {
        const auto found = store.find_access_token_by_hash(token.token_hash);
        ASSERT_TRUE(found.has_value()) << token.id;
        EXPECT_EQ(dump(*found), dump(token));
    }
    EXPECT_FALSE(store.find_access_token_by_hash(std::string(64, 'f')).has_value());
    EXPECT_FALSE(store.find_access_token_by_hash("").has_value());
    EXPECT_THAT(dumps(store.list_access_tokens(user.id)),
                ElementsAre(dump(session), dump(twin), dump(revoked), dump(oldest)));
    EXPECT_THAT(dumps(store.list_access_tokens(other.id)), ElementsAre(dump(bobs)));
    EXPECT_TRUE(store.list_access_tokens(uuid(99)).empty());
}

TEST_P(StorageContract, AccessTokensNeedAKnownUserAUniqueHashAndAKnownKind) {
    const api::User user = sample_user(1, "alice");
    {
        auto tx = write();
        access_store(*tx).insert_user(user);
        access_store(*tx).insert_access_token(sample_access_token(10, user.id));
        tx->commit();
    }
    expect_storage_conflict(
        write(),
        [&](auto& tx) {
            auto copy = sample_access_token(11, user.id);
            copy.token_hash = sample_access_token(10, user.id).token_hash;
            access_store(tx).insert_access_token(copy);
        },
        "a second token with the same hash");
    expect_storage_conflict(
        write(),
        [&](auto& tx) { access_store(tx).insert_access_token(sample_access_token(12, uuid(99))); },
        "a token of an unknown user");
    expect_storage_conflict(
        write(),
        [&](auto& tx) {
            auto cookie = sample_access_token(13, user.id);
            cookie.kind = "cookie";
            access_store(tx).insert_access_token(cookie);
        },
        "kind 'cookie'");
    EXPECT_EQ(access_store(*read()).list_access_tokens(user.id).size(), 1U);
}

TEST_P(StorageContract, RevokingATokenKeepsTheFirstRevocationTime) {
    const api::User user = sample_user(1, "alice");
    const api::AccessToken token = sample_access_token(10, user.id);
    const api::AccessToken untouched = sample_access_token(11, user.id);
    {
        auto tx = write();
        access_store(*tx).insert_user(user);
        access_store(*tx).insert_access_token(token);
        access_store(*tx).insert_access_token(untouched);
        tx->commit();
    }
    {
        auto tx = write();
        access_store(*tx).revoke_access_token(token.id, "2026-09-01T00:00:00.000Z");
        tx->commit();
    }
    {
        auto tx = write();
        access_store(*tx).revoke_access_token(token.id, "2026-10-01T00:00:00.000Z");
        tx->commit();
    }
    auto tx = read();
    auto expected = token;
    expected.revoked_at = "2026-09-01T00:00:00.000Z";
    EXPECT_EQ(dump(*access_store(*tx).find_access_token_by_hash(token.token_hash)), dump(expected));
    EXPECT_EQ(dump(*access_store(*tx).find_access_token_by_hash(untouched.token_hash)),
              dump(untouched));
}

TEST_P(StorageContract, RegistrationTokensRoundTripWithTheirLabels) {
    const api::RegistrationToken labelled = sample_registration_token(1);
    api::RegistrationToken bare = sample_registration_token(2);
    bare.labels = {};
    bare.expires_at = "";
    api::RegistrationToken used = sample_registration_token(3);
    used.labels = {""};
    used.used_at = "2026-06-07T09:00:00.000Z";
    used.used_by_simulator = uuid(30);
    {
        auto tx = write();
        for (const auto& token : {labelled, bare, used}) {
            access_store(*tx).insert_registration_token(token);
        }
        tx->commit();
    }
    {
        auto tx = read();
        for (const auto& token : {labelled, bare, used}) {
            const auto found = access_store(*tx).find_registration_token_by_hash(token.token_hash);
            ASSERT_TRUE(found.has_value()) << token.id;
            EXPECT_EQ(dump(*found), dump(token));
        }
        EXPECT_FALSE(access_store(*tx).find_registration_token_by_hash("").has_value());
    }
    expect_storage_conflict(
        write(),
        [&](auto& tx) {
            auto copy = sample_registration_token(4);
            copy.token_hash = labelled.token_hash;
            access_store(tx).insert_registration_token(copy);
        },
        "a second registration token with the same hash");
}

TEST_P(StorageContract, ARegistrationTokenIsConsumedOnce) {
    const api::RegistrationToken token = sample_registration_token(1);
    {
        auto tx = write();
        access_store(*tx).insert_registration_token(token);
        tx->commit();
    }
    {
        // Rolled back: the token stays unused.
        auto tx = write();
        EXPECT_TRUE(access_store(*tx).consume_registration_token(token.id, uuid(20),
                                                                 "2026-06-07T09:00:00.000Z"));
    }
    EXPECT_EQ(dump(*access_store(*read()).find_registration_token_by_hash(token.token_hash)),
              dump(token));
    {
        auto tx = write();
        EXPECT_TRUE(access_store(*tx).consume_registration_token(token.id, uuid(21),
                                                                 "2026-06-07T10:00:00.000Z"));
        EXPECT_FALSE(access_store(*tx).consume_registration_token(token.id, uuid(22),
                                                                  "2026-06-07T10:00:01.000Z"))
            << "a second consumption in the same transaction";
        // '' would leave it consumable: refused before it reaches the database, so the
        // transaction stays usable.
        EXPECT_THROW(access_store(*tx).consume_registration_token(token.id, uuid(22), ""),
                     api::StorageError);
        EXPECT_THROW(access_store(*tx).revoke_access_token(uuid(99), ""), api::StorageError);
        tx->commit();
    }
    {
        auto tx = write();
        EXPECT_FALSE(access_store(*tx).consume_registration_token(token.id, uuid(23),
                                                                  "2026-06-07T11:00:00.000Z"));
        tx->commit();
    }
    auto expected = token;
    expected.used_at = "2026-06-07T10:00:00.000Z";
    expected.used_by_simulator = uuid(21);
    EXPECT_EQ(dump(*access_store(*read()).find_registration_token_by_hash(token.token_hash)),
              dump(expected));
}

TEST_P(StorageContract, TwoConcurrentRegistrationsConsumeATokenExactlyOnce) {
    constexpr int kTokens = 5;
    {
        auto tx = write();
        for (int n = 1; n <= kTokens; ++n) {
            access_store(*tx).insert_registration_token(sample_registration_token(n));
        }
        tx->commit();
    }
    for (int n = 1; n <= kTokens; ++n) {
        std::atomic<int> winners{0};
        std::atomic<int> winner{0};
        std::mutex error_mutex;
        std::string error;
        std::latch start(2);
        const auto registration = [&](int simulator) {
            try {
                start.arrive_and_wait();  // both begin at once; the grid lock orders them
                auto tx = write();
                const bool won = access_store(*tx).consume_registration_token(
                    uuid(n), uuid(simulator), "2026-06-07T10:00:00.000Z");
                tx->commit();
                if (won) {
                    ++winners;
                    winner = simulator;
                }
            } catch (const std::exception& e) {
                const std::lock_guard lock(error_mutex);
                error += e.what();
            }
        };
        std::thread a(registration, 100 + n);
        std::thread b(registration, 200 + n);
        a.join();
        b.join();
        EXPECT_EQ(error, "");
        EXPECT_EQ(winners.load(), 1) << "token " << n;
        const auto stored = access_store(*read()).find_registration_token_by_hash(
            sample_registration_token(n).token_hash);
        ASSERT_TRUE(stored.has_value());
        EXPECT_EQ(stored->used_by_simulator, uuid(winner.load())) << "the winner is recorded";
    }
}

TEST_P(StorageContract, SimulatorsRoundTripEveryFieldAndListByHostnameThenId) {
    const api::Simulator full = sample_simulator(3, "sim-b.example.org");
    api::Simulator bare = sample_simulator(1, "sim-b.example.org");  // same host, smaller id
    bare.labels = {};
    bare.capacity = 0;
    bare.push_url = "";
    bare.state = "registered";
    bare.previous_key_hash = "";
    bare.previous_key_expires_at = "";
    bare.last_heartbeat_at = "";
    bare.cpu_load = 0.0;
    bare.memory_load = 1.0;
    bare.region_count = 0;
    api::Simulator first = sample_simulator(2, "sim-a.example.org");
    first.state = "cordoned";
    first.cpu_load = 1e-9;
    first.memory_load = 0.999999999999;
    {
        auto tx = write();
        for (const auto& simulator : {full, bare, first}) {
            access_store(*tx).insert_simulator(simulator);
        }
        tx->commit();
    }
    {
        auto tx = read();
        for (const auto& simulator : {full, bare, first}) {
            const auto found = access_store(*tx).find_simulator(simulator.id);
            ASSERT_TRUE(found.has_value()) << simulator.id;
            EXPECT_EQ(dump(*found), dump(simulator));
        }
        EXPECT_FALSE(access_store(*tx).find_simulator(uuid(99)).has_value());
        EXPECT_THAT(dumps(access_store(*tx).list_simulators()),
                    ElementsAre(dump(first), dump(bare), dump(full)));
    }
    // Every field but the id changes.
    api::Simulator changed = full;
    changed.hostname = "sim-0.example.org";
    changed.labels = {"ssd"};
    changed.capacity = 40;
    changed.push_url = "https://elsewhere:1/push";
    changed.state = "offline";
    changed.key_hash = std::string(64, 'e');
    changed.previous_key_hash = full.key_hash;
    changed.previous_key_expires_at = "2026-12-31T23:59:59.999Z";
    changed.registered_at = "2026-07-02T00:00:00.000Z";
    changed.last_heartbeat_at = "2026-07-09T00:00:00.000Z";
    changed.cpu_load = 0.625;
    changed.memory_load = 0.1;
    changed.region_count = 17;
    {
        auto tx = write();
        access_store(*tx).update_simulator(changed);
        // Clearing the keys of another works too (they become NULL, not '').
        auto cleared = bare;
        cleared.key_hash = "";
        cleared.state = "revoked";
        access_store(*tx).update_simulator(cleared);
        tx->commit();
    }
    auto tx = read();
    EXPECT_EQ(dump(*access_store(*tx).find_simulator(full.id)), dump(changed));
    EXPECT_EQ(access_store(*tx).find_simulator(bare.id)->key_hash, "");
    EXPECT_EQ(access_store(*tx).list_simulators().front().id, full.id);
}

TEST_P(StorageContract, SimulatorsAreFoundByTheirCurrentOrPreviousKey) {
    api::Simulator rotating = sample_simulator(1, "a");  // key c..1, previous d..1
    api::Simulator plain = sample_simulator(2, "b");
    plain.previous_key_hash = "";
    plain.previous_key_expires_at = "";
    {
        auto tx = write();
        access_store(*tx).insert_simulator(rotating);
        access_store(*tx).insert_simulator(plain);
        tx->commit();
    }
    const auto found_id = [&](const std::string& key_hash) {
        const auto found = access_store(*read()).find_simulator_by_key_hash(key_hash);
        return found ? found->id : std::string("(none)");
    };
    EXPECT_EQ(found_id(rotating.key_hash), rotating.id);
    EXPECT_EQ(found_id(rotating.previous_key_hash), rotating.id);
    EXPECT_EQ(found_id(plain.key_hash), plain.id);
    EXPECT_EQ(found_id(""), "(none)") << "an empty key identifies nobody";
    EXPECT_EQ(found_id(std::string(64, '0')), "(none)");
    const auto by_previous =
        access_store(*read()).find_simulator_by_key_hash(rotating.previous_key_hash);
    ASSERT_TRUE(by_previous.has_value());
    EXPECT_EQ(dump(*by_previous), dump(rotating));

    // Rotate again: the current key becomes the previous one, the oldest stops working.
    api::Simulator rotated = rotating;
    rotated.previous_key_hash = rotating.key_hash;
    rotated.key_hash = std::string(64, 'e');
    {
        auto tx = write();
        access_store(*tx).update_simulator(rotated);
        tx->commit();
    }
    EXPECT_EQ(found_id(rotated.key_hash), rotating.id);
    EXPECT_EQ(found_id(rotating.key_hash), rotating.id);
    EXPECT_EQ(found_id(rotating.previous_key_hash), "(none)");
}

TEST_P(StorageContract, SimulatorKeysAreUniqueButSimulatorsWithoutKeysDoNotCollide) {
    api::Simulator keyless_a = sample_simulator(1, "a");
    keyless_a.key_hash = "";
    keyless_a.previous_key_hash = "";
    api::Simulator keyless_b = sample_simulator(2, "b");
    keyless_b.key_hash = "";
    keyless_b.previous_key_hash = "";
    const api::Simulator keyed = sample_simulator(3, "c");
    {
        auto tx = write();
        access_store(*tx).insert_simulator(keyless_a);
        access_store(*tx).insert_simulator(keyless_b);
        access_store(*tx).insert_simulator(keyed);
        tx->commit();
    }
    EXPECT_EQ(access_store(*read()).list_simulators().size(), 3U);
    expect_storage_conflict(
        write(),
        [&](auto& tx) {
            auto copy = sample_simulator(4, "d");
            copy.key_hash = keyed.key_hash;
            access_store(tx).insert_simulator(copy);
        },
        "a second simulator with the same key");
    expect_storage_conflict(
        write(), [&](auto& tx) { access_store(tx).insert_simulator(sample_simulator(3, "e")); },
        "a second simulator with the same id");
    expect_storage_conflict(
        write(),
        [&](auto& tx) {
            auto lost = sample_simulator(5, "f");
            lost.state = "lost";
            access_store(tx).insert_simulator(lost);
        },
        "state 'lost'");
    EXPECT_EQ(access_store(*read()).list_simulators().size(), 3U);
}

}  // namespace
}  // namespace vergegrid::test::storage
