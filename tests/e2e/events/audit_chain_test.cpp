// The tamper-evident audit log against a real vergegrid-control (docs/events.md, "The audit
// chain"): a row changed behind the control plane's back, in its SQLite database, is named by
// GET /api/v1/audit/verify, and so is the row after one deleted; the periodic checkpoint reaches
// a webhook as org.vergegrid.audit.checkpoint with the chain head GET /api/v1/audit/checkpoint
// shows.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <stdexcept>

#include "tests/e2e/events/event_receiver.hpp"
#include "tests/e2e/events/event_stack.hpp"

namespace audit_chain_test {
namespace {

using nlohmann::json;
using vergegrid::test::EventControlPlane;
using vergegrid::test::EventReceiver;
using vergegrid::test::ReceivedRequest;
using namespace std::chrono_literals;

// The control plane's database opened directly, as someone with file access would.
class Database {
  public:
    explicit Database(const std::filesystem::path& path) {
        if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
            throw std::runtime_error("open " + path.string() + ": " + sqlite3_errmsg(db_));
        }
    }
    ~Database() { sqlite3_close(db_); }
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    std::vector<std::int64_t> audit_ids() {
        std::vector<std::int64_t> ids;
        auto* statement = prepare("SELECT id FROM audit_log ORDER BY id");
        while (sqlite3_step(statement) == SQLITE_ROW) {
            ids.push_back(sqlite3_column_int64(statement, 0));
        }
        sqlite3_finalize(statement);
        return ids;
    }
    std::string after_doc(std::int64_t id) {
        auto* statement = prepare("SELECT after_doc FROM audit_log WHERE id = ?");
        sqlite3_bind_int64(statement, 1, id);
        std::string text;
        if (sqlite3_step(statement) == SQLITE_ROW) {
            text = reinterpret_cast<const char*>(sqlite3_column_text(statement, 0));
        }
        sqlite3_finalize(statement);
        return text;
    }
    void set_after_doc(std::int64_t id, const std::string& text) {
        auto* statement = prepare("UPDATE audit_log SET after_doc = ? WHERE id = ?");
        sqlite3_bind_text(statement, 1, text.c_str(), static_cast<int>(text.size()),
                          SQLITE_TRANSIENT);
        sqlite3_bind_int64(statement, 2, id);
        step_done(statement);
    }
    void delete_row(std::int64_t id) {
        auto* statement = prepare("DELETE FROM audit_log WHERE id = ?");
        sqlite3_bind_int64(statement, 1, id);
        step_done(statement);
    }

  private:
    sqlite3_stmt* prepare(const char* sql) {
        sqlite3_stmt* statement = nullptr;
        if (sqlite3_prepare_v2(db_, sql, -1, &statement, nullptr) != SQLITE_OK) {
            throw std::runtime_error(std::string(sql) + ": " + sqlite3_errmsg(db_));
        }
        return statement;
    }
    void step_done(sqlite3_stmt* statement) {
        const int rc = sqlite3_step(statement);
        sqlite3_finalize(statement);
        if (rc != SQLITE_DONE || sqlite3_changes(db_) != 1) {
            throw std::runtime_error(std::string("change failed: ") + sqlite3_errmsg(db_));
        }
    }
    sqlite3* db_ = nullptr;
};

json verify(const vergegrid::test::ApiClient& api) {
    const auto result = api.get("/api/v1/audit/verify");
    EXPECT_EQ(result.status, 200) << result.raw;
    return result.body;
}

TEST(EventBus, ChangingAnAuditRowMakesVerifyNameIt) {
    EventControlPlane control;
    {
        const auto& api = control.api();
        const auto estate = vergegrid::test::create_estate(api, "Audited");
        std::vector<std::string> regions;
        for (int n = 0; n < 4; ++n) {
            regions.push_back(vergegrid::test::create_region(api, estate, n).at("id"));
        }
        vergegrid::test::update_region(api, regions.at(1), 12.5);
        const auto report = verify(api);
        EXPECT_EQ(report.at("ok"), true) << report;
        EXPECT_TRUE(report.at("broken").is_null());
        EXPECT_GE(report.at("checked").get<int>(), 6);
    }
    control.stop();

    std::vector<std::int64_t> ids;
    std::int64_t changed = 0;
    std::string original;
    {
        Database db(control.database());
        ids = db.audit_ids();
        ASSERT_GE(ids.size(), 6u);
        changed = ids.at(ids.size() / 2 - 1);
        original = db.after_doc(changed);
        ASSERT_NE(original.find("Events"), std::string::npos) << original;
        auto forged = original;
        forged.replace(forged.find("Events"), 6, "Forged");
        db.set_after_doc(changed, forged);
    }
    control.start();
    auto report = verify(control.api());
    EXPECT_EQ(report.at("ok"), false) << report;
    ASSERT_TRUE(report.at("broken").is_object()) << report;
    EXPECT_EQ(report.at("broken").at("id"), changed) << "the changed row is named";
    EXPECT_EQ(report.at("last_id"), ids.at(ids.size() / 2 - 2)) << "the last row that matched";
    control.stop();

    // Put it back, then delete a row further on: the row after it no longer links to its
    // predecessor.
    const auto deleted = ids.at(ids.size() / 2 + 1);
    const auto next = ids.at(ids.size() / 2 + 2);
    {
        Database db(control.database());
        db.set_after_doc(changed, original);
        db.delete_row(deleted);
    }
    control.start();
    report = verify(control.api());
    EXPECT_EQ(report.at("ok"), false) << report;
    ASSERT_TRUE(report.at("broken").is_object()) << report;
    EXPECT_EQ(report.at("broken").at("id"), next) << "the row after the deleted one is named";
    EXPECT_NE(report.at("broken").at("reason").get<std::string>().find("prev_hash"),
              std::string::npos)
        << report;
}

TEST(EventBus, AuditCheckpointIsPublished) {
    EventReceiver receiver;
    EventControlPlane control("[events]\ncheckpoint_interval_s = 1\n");
    const auto& api = control.api();
    vergegrid::test::create_webhook(api, receiver.url(), "checkpoint-secret-0123456789");
    const auto estate = vergegrid::test::create_estate(api, "Checkpointed");
    vergegrid::test::create_region(api, estate, 1);

    json head;
    json published;
    ASSERT_TRUE(vergegrid::test::eventually(
        [&] {
            const auto result = api.get("/api/v1/audit/checkpoint");
            if (result.status != 200) {
                return false;
            }
            head = result.body;
            for (const auto& request : receiver.received()) {
                const auto event = json::parse(request.body);
                if (event.at("type") == "org.vergegrid.audit.checkpoint" &&
                    event.at("data").at("id") == head.at("id")) {
                    published = event;
                    return true;
                }
            }
            return false;
        },
        20s))
        << "no checkpoint of the chain head " << head << " reached the webhook\n"
        << control.output();
    EXPECT_EQ(published.at("data").at("hash"), head.at("hash"));
    EXPECT_EQ(published.at("data").at("at"), head.at("at"));
    EXPECT_EQ(published.at("subject"), std::to_string(head.at("id").get<std::int64_t>()));
    EXPECT_EQ(head.at("hash").get<std::string>().size(), 64u);
    const auto report = verify(api);
    EXPECT_EQ(report.at("ok"), true) << report;
    EXPECT_EQ(report.at("last_hash"), head.at("hash")) << "the checkpoint is the chain's head";
}

}  // namespace
}  // namespace audit_chain_test
