// The per-connection statement cache on a real SQLite connection: values bound by name and
// replaced on every run (in any order, a name given twice binding its last value), NULLs, the
// bound on cached statements, and a failed run dropping its statement.
#include <gtest/gtest.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "prepared_statement.hpp"
#include "statement_cache.hpp"

namespace {

using vergegrid::plugins::sql::BoundValues;
using vergegrid::plugins::sql::run_prepared_command;
using vergegrid::plugins::sql::run_prepared_query;
using vergegrid::plugins::sql::StatementCache;

class StatementCacheTest : public ::testing::Test {
  protected:
    void SetUp() override { sql_ << "CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER, note TEXT)"; }

    std::vector<std::string> keys_where_n_above(int n) {
        std::vector<std::string> keys;
        run_prepared_query<std::string>(
            cache_, sql_, "SELECT k FROM t WHERE n > :n ORDER BY k", BoundValues().number("n", n),
            [](soci::statement& st, std::string& key) { st.exchange(soci::into(key)); },
            [&](const std::string& key) { keys.push_back(key); });
        return keys;
    }

    void insert(const std::string& key, int n, std::optional<std::string> note) {
        run_prepared_command(cache_, sql_, "INSERT INTO t (k, n, note) VALUES (:k, :n, :note)",
                             BoundValues().text("k", key).number("n", n).text_or_null(
                                 "note", note ? boost::optional<std::string>(*note) : boost::none));
    }

    soci::session sql_{*soci::factory_sqlite3(), ":memory:"};
    StatementCache cache_;  // after the session: destroyed before it
};

TEST_F(StatementCacheTest, EveryRunBindsItsOwnValues) {
    insert("a", 1, "first");
    insert("b", 2, std::nullopt);
    insert("c", 3, "third");
    EXPECT_EQ(cache_.size(), 1U);  // one INSERT, prepared once
    EXPECT_EQ(keys_where_n_above(1), (std::vector<std::string>{"b", "c"}));
    EXPECT_EQ(keys_where_n_above(2), (std::vector<std::string>{"c"}));
    EXPECT_TRUE(keys_where_n_above(3).empty());
    EXPECT_EQ(cache_.size(), 2U);
    int nulls = -1;
    sql_ << "SELECT COUNT(*) FROM t WHERE note IS NULL", soci::into(nulls);
    EXPECT_EQ(nulls, 1);
}

TEST_F(StatementCacheTest, AFailedRunDropsItsStatementAndTheNextRunWorks) {
    insert("a", 1, std::nullopt);
    EXPECT_THROW(insert("a", 2, std::nullopt), soci::soci_error);  // the primary key
    EXPECT_EQ(cache_.size(), 0U);
    insert("b", 2, std::nullopt);
    EXPECT_EQ(keys_where_n_above(0), (std::vector<std::string>{"a", "b"}));
}

TEST_F(StatementCacheTest, HoldsABoundedNumberOfStatements) {
    for (int i = 0; i < static_cast<int>(StatementCache::kMaxEntries) + 5; ++i) {
        std::vector<int> seen;
        run_prepared_query<int>(
            cache_, sql_, "SELECT :v + " + std::to_string(i), BoundValues().number("v", 1),
            [](soci::statement& st, int& v) { st.exchange(soci::into(v)); },
            [&](int v) { seen.push_back(v); });
        ASSERT_EQ(seen, std::vector<int>{1 + i});
        EXPECT_LE(cache_.size(), StatementCache::kMaxEntries);
    }
}

// The cached statement takes each run's values in step with the first run's names; values
// given in another order are found by name.
TEST_F(StatementCacheTest, ValuesGivenInAnotherOrderStillBindByName) {
    const std::string text = "INSERT INTO t (k, n, note) VALUES (:k, :n, :note)";
    run_prepared_command(
        cache_, sql_, text,
        BoundValues().text("k", "a").number("n", 1).text_or_null("note", std::string("x")));
    run_prepared_command(
        cache_, sql_, text,
        BoundValues().text_or_null("note", boost::none).number("n", 2).text("k", "b"));
    EXPECT_EQ(cache_.size(), 1U);
    EXPECT_EQ(keys_where_n_above(1), (std::vector<std::string>{"b"}));
    int nulls = -1;
    sql_ << "SELECT COUNT(*) FROM t WHERE k = 'b' AND note IS NULL", soci::into(nulls);
    EXPECT_EQ(nulls, 1);
}

// As with the maps it replaced: a name given twice binds the value given last, on the run that
// prepares the statement and on later runs.
TEST_F(StatementCacheTest, ANameGivenTwiceBindsItsLastValue) {
    const std::string text = "INSERT INTO t (k, n) VALUES (:k, :n)";
    run_prepared_command(cache_, sql_, text,
                         BoundValues().text("k", "a").number("n", 1).number("n", 5));
    run_prepared_command(cache_, sql_, text,
                         BoundValues().number("n", 1).text("k", "b").number("n", 7));
    EXPECT_EQ(keys_where_n_above(4), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(keys_where_n_above(5), (std::vector<std::string>{"b"}));
}

// A value of another kind than the statement was prepared with is the caller's mistake, told as
// such, not bound into the wrong storage.
TEST_F(StatementCacheTest, AValueOfAnotherKindOrAnUnknownNameIsRefused) {
    insert("a", 1, std::nullopt);
    EXPECT_THROW(run_prepared_command(
                     cache_, sql_, "INSERT INTO t (k, n, note) VALUES (:k, :n, :note)",
                     BoundValues().text("k", "b").text("n", "2").text_or_null("note", boost::none)),
                 std::logic_error);
    EXPECT_THROW(
        run_prepared_command(cache_, sql_, "INSERT INTO t (k, n, note) VALUES (:k, :n, :note)",
                             BoundValues().text("k", "b").number("m", 2)),
        std::logic_error);
    insert("c", 3, "third");
    EXPECT_EQ(keys_where_n_above(0), (std::vector<std::string>{"a", "c"}));
}

}  // namespace

namespace {

using vergegrid::plugins::sql::with_prefixed_placeholders;

TEST(JoinedStatements, PlaceholdersAreRenamedApartButCastsAndTextAreLeft) {
    EXPECT_EQ(with_prefixed_placeholders("INSERT INTO t (k, n) VALUES (:k, :n_2)", "w0_"),
              "INSERT INTO t (k, n) VALUES (:w0_k, :w0_n_2)");
    EXPECT_EQ(with_prefixed_placeholders("SELECT :k::text, a:1, ':' FROM t", "p"),
              "SELECT :pk::text, a:1, ':' FROM t");
}

// Two statements that both bind :k, joined: each keeps its own value once renamed apart.
TEST_F(StatementCacheTest, ValuesAddedUnderAPrefixBindTheRenamedPlaceholders) {
    BoundValues joined;
    joined.add_prefixed(BoundValues().text("k", "a").number("n", 1), "w0_")
        .add_prefixed(BoundValues().text("k", "b").number("n", 2), "w1_");
    // SQLite has no writes in WITH: two statements' worth as one compound SELECT source.
    run_prepared_command(cache_, sql_,
                         "INSERT INTO t (k, n) SELECT " +
                             with_prefixed_placeholders(":k, :n", "w0_") + " UNION ALL SELECT " +
                             with_prefixed_placeholders(":k, :n", "w1_"),
                         joined);
    EXPECT_EQ(keys_where_n_above(0), (std::vector<std::string>{"a", "b"}));
    EXPECT_EQ(keys_where_n_above(1), (std::vector<std::string>{"b"}));
}

}  // namespace
