// EventSubscriptions (plugin ABI 1.10): where events go and how far each destination has them
// (event_subscriptions), and the log of every delivery attempt (event_deliveries), schema 11.
#include <soci/soci.h>

#include "select_rows.hpp"
#include "soci_transaction.hpp"

namespace vergegrid::plugins::sql {

namespace api = plugin_api;

namespace {

constexpr const char* kSubscriptionSelect =
    "SELECT id, sink, name, target, types, subjects, state, cursor_seq, created_at, updated_at "
    "FROM event_subscriptions";

// SOCI 4.0 binds 64-bit integers as long long; std::int64_t is long here.
struct SubscriptionRow {
    api::EventSubscription subscription;
    long long cursor = 0;
};

void bind_subscription(soci::statement& st, SubscriptionRow& row) {
    api::EventSubscription& s = row.subscription;
    st.exchange(soci::into(s.id));
    st.exchange(soci::into(s.sink));
    st.exchange(soci::into(s.name));
    st.exchange(soci::into(s.target));
    st.exchange(soci::into(s.types));
    st.exchange(soci::into(s.subjects));
    st.exchange(soci::into(s.state));
    st.exchange(soci::into(row.cursor));
    st.exchange(soci::into(s.created_at));
    st.exchange(soci::into(s.updated_at));
}

api::EventSubscription to_subscription(const SubscriptionRow& row) {
    api::EventSubscription subscription = row.subscription;
    subscription.cursor = static_cast<std::int64_t>(row.cursor);
    return subscription;
}

BoundValues subscription_values(const api::EventSubscription& s) {
    return BoundValues()
        .text("id", s.id)
        .text("sink", s.sink)
        .text("name", s.name)
        .text("target", s.target)
        .text("types", s.types)
        .text("subjects", s.subjects)
        .text("state", s.state)
        .number64("cursor", s.cursor)
        .text("created_at", s.created_at)
        .text("updated_at", s.updated_at);
}

constexpr const char* kDeliverySelect =
    "SELECT id, subscription_id, event_seq, event_id, event_type, at, state, attempt, status, "
    "duration_ms, error FROM event_deliveries";

struct DeliveryRow {
    api::EventDelivery delivery;
    long long id = 0;
    long long event_seq = 0;
};

void bind_delivery(soci::statement& st, DeliveryRow& row) {
    api::EventDelivery& d = row.delivery;
    st.exchange(soci::into(row.id));
    st.exchange(soci::into(d.subscription_id));
    st.exchange(soci::into(row.event_seq));
    st.exchange(soci::into(d.event_id));
    st.exchange(soci::into(d.event_type));
    st.exchange(soci::into(d.at));
    st.exchange(soci::into(d.state));
    st.exchange(soci::into(d.attempt));
    st.exchange(soci::into(d.status));
    st.exchange(soci::into(d.duration_ms));
    st.exchange(soci::into(d.error));
}

api::EventDelivery to_delivery(const DeliveryRow& row) {
    api::EventDelivery delivery = row.delivery;
    delivery.id = static_cast<std::int64_t>(row.id);
    delivery.event_seq = static_cast<std::int64_t>(row.event_seq);
    return delivery;
}

struct CursorSummary {
    long long lowest = 0;
    long long count = 0;
};

}  // namespace

void SociTransaction::save_subscription(const api::EventSubscription& subscription) {
    if (subscription.id.empty()) {
        throw api::StorageError("save_subscription: the subscription has no id");
    }
    run("save_subscription", [&](soci::session& sql) {
        const auto existing = select_keys(sql, "SELECT id FROM event_subscriptions WHERE id = :id",
                                          BoundValues().text("id", subscription.id));
        execute_cached(
            sql,
            existing.empty()
                ? "INSERT INTO event_subscriptions (id, sink, name, target, types, subjects, "
                  "state, cursor_seq, created_at, updated_at) VALUES (:id, :sink, :name, "
                  ":target, :types, :subjects, :state, :cursor, :created_at, :updated_at)"
                : "UPDATE event_subscriptions SET sink = :sink, name = :name, target = :target, "
                  "types = :types, subjects = :subjects, state = :state, cursor_seq = :cursor, "
                  "created_at = :created_at, updated_at = :updated_at WHERE id = :id",
            subscription_values(subscription));
    });
}

std::optional<api::EventSubscription> SociTransaction::find_subscription(const std::string& id) {
    std::optional<api::EventSubscription> found;
    run("find_subscription", [&](soci::session& sql) {
        found = select_first<SubscriptionRow>(
            lease_.statements(), sql, std::string(kSubscriptionSelect) + " WHERE id = :id",
            bind_subscription, BoundValues().text("id", id), to_subscription);
    });
    return found;
}

std::vector<api::EventSubscription> SociTransaction::list_subscriptions(const std::string& sink) {
    std::vector<api::EventSubscription> subscriptions;
    run("list_subscriptions", [&](soci::session& sql) {
        BoundValues values;
        std::string query = kSubscriptionSelect;
        if (!sink.empty()) {
            query += " WHERE sink = :sink";
            values.text("sink", sink);
        }
        query += " ORDER BY created_at, id";
        subscriptions = select_rows<SubscriptionRow>(lease_.statements(), sql, query,
                                                     bind_subscription, values, to_subscription);
    });
    return subscriptions;
}

bool SociTransaction::delete_subscription(const std::string& id) {
    bool deleted = false;
    run("delete_subscription", [&](soci::session& sql) {
        const auto values = BoundValues().text("id", id);
        execute_cached(sql, "DELETE FROM event_deliveries WHERE subscription_id = :id", values);
        deleted = execute_cached_counted(sql, "DELETE FROM event_subscriptions WHERE id = :id",
                                         values) > 0;
    });
    return deleted;
}

void SociTransaction::advance_subscription(const std::string& id, std::int64_t cursor) {
    run("advance_subscription", [&](soci::session& sql) {
        // One conditional UPDATE: a cursor never moves back, whoever calls with an older one.
        execute_cached(
            sql,
            "UPDATE event_subscriptions SET cursor_seq = :cursor WHERE id = :id AND "
            "cursor_seq < :behind",
            BoundValues().text("id", id).number64("cursor", cursor).number64("behind", cursor));
    });
}

std::int64_t SociTransaction::lowest_subscription_cursor(std::int64_t fallback) {
    long long lowest = fallback;
    run("lowest_subscription_cursor", [&](soci::session& sql) {
        run_prepared_query<CursorSummary>(
            lease_.statements(), sql,
            "SELECT COALESCE(MIN(cursor_seq), 0), COUNT(*) FROM event_subscriptions", BoundValues(),
            [](soci::statement& st, CursorSummary& row) {
                st.exchange(soci::into(row.lowest));
                st.exchange(soci::into(row.count));
            },
            [&](const CursorSummary& row) {
                if (row.count > 0) {
                    lowest = row.lowest;
                }
            });
    });
    return static_cast<std::int64_t>(lowest);
}

std::int64_t SociTransaction::append_delivery(const api::EventDelivery& d) {
    long long id = 0;
    run("append_delivery", [&](soci::session& sql) {
        id = insert_cached_returning_id(
            sql,
            "INSERT INTO event_deliveries (subscription_id, event_seq, event_id, event_type, at, "
            "state, attempt, status, duration_ms, error) VALUES (:subscription_id, :event_seq, "
            ":event_id, :event_type, :at, :state, :attempt, :status, :duration_ms, :error)",
            BoundValues()
                .text("subscription_id", d.subscription_id)
                .number64("event_seq", d.event_seq)
                .text("event_id", d.event_id)
                .text("event_type", d.event_type)
                .text("at", d.at)
                .text("state", d.state)
                .number("attempt", d.attempt)
                .number("status", d.status)
                .number("duration_ms", d.duration_ms)
                .text("error", d.error));
    });
    return static_cast<std::int64_t>(id);
}

std::vector<api::EventDelivery> SociTransaction::list_deliveries(const std::string& subscription_id,
                                                                 const std::string& state,
                                                                 std::int64_t before_id,
                                                                 int limit) {
    std::vector<api::EventDelivery> deliveries;
    if (limit <= 0) {
        return deliveries;
    }
    run("list_deliveries", [&](soci::session& sql) {
        // Fixed fragments, chosen by which filters are set; the values are bound.
        BoundValues values;
        values.text("subscription_id", subscription_id);
        std::string query =
            std::string(kDeliverySelect) + " WHERE subscription_id = :subscription_id";
        if (!state.empty()) {
            query += " AND state = :state";
            values.text("state", state);
        }
        if (before_id > 0) {
            query += " AND id < :before";
            values.number64("before", before_id);
        }
        query += " ORDER BY id DESC LIMIT :limit";
        values.number("limit", limit);
        deliveries = select_rows<DeliveryRow>(lease_.statements(), sql, query, bind_delivery,
                                              values, to_delivery);
    });
    return deliveries;
}

int SociTransaction::delete_deliveries_before(const std::string& before_time) {
    int deleted = 0;
    run("delete_deliveries_before", [&](soci::session& sql) {
        // Dead letters stay: they are what an operator looks for after an outage.
        deleted = execute_cached_counted(
            sql, "DELETE FROM event_deliveries WHERE at < :before AND state <> 'dead'",
            BoundValues().text("before", before_time));
    });
    return deleted;
}

}  // namespace vergegrid::plugins::sql
