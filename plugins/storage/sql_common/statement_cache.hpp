// Statements prepared once per connection and run again with new values. Preparing (parsing and
// planning) the 7-table region join was half of a region read's CPU on SQLite, and planning it
// most of PostgreSQL's (docs/benchmarks.md). A cached statement binds values it owns
// (BoundValues); each run copies the caller's values into them, then fetches every row, so that
// no SQLite statement stays half-stepped (holding a read snapshot) between runs.
#pragma once

#include <boost/optional.hpp>
#include <cstddef>
#include <memory>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

namespace soci {
class statement;
}

namespace vergegrid::plugins::sql {

// The values a statement binds, by name, in the order they were given. A cached statement binds
// its own copy once; each run then copies the caller's values into it, name by name in step (the
// same code gives the same names in the same order), looking a name up only when the orders
// differ. Seven maps keyed by name cost a node, a name and a search per value, twice per run:
// ~6 % of a create's instructions on SQLite (docs/benchmarks.md, "Binding in step").
class BoundValues {
  public:
    BoundValues& text(const std::string& name, std::string value);
    BoundValues& number(const std::string& name, int value);
    // SOCI 4.0 binds 64-bit integers as long long (std::int64_t is long here).
    BoundValues& number64(const std::string& name, long long value);
    BoundValues& real(const std::string& name, double value);
    // NULL when empty.
    BoundValues& text_or_null(const std::string& name, boost::optional<std::string> value);
    BoundValues& number_or_null(const std::string& name, boost::optional<int> value);
    BoundValues& number64_or_null(const std::string& name, boost::optional<long long> value);

    // Room for `count` values, for a caller that binds many (a multi-row INSERT).
    void reserve(std::size_t count) { entries_.reserve(count); }
    // Forgets every value and keeps the room, for a caller that fills one object again and again.
    // Not for an object bound into a statement (bind_into).
    void clear() { entries_.clear(); }

    // Binds this object's own storage into `st` by name: it must outlive the statement, and no
    // value may be added afterwards. A name given twice binds its last value.
    void bind_into(soci::statement& st);
    // Takes the values of `other`, which binds the same names (the same statement text) with the
    // same kinds of value; a name this object does not bind, or binds as another kind, is a
    // std::logic_error (a programming error: the statement text and its values disagree).
    void take_values(const BoundValues& other);
    // Adds every value of `other`, its name prefixed with `prefix` (as with_prefixed_placeholders
    // renames them in its statement's text).
    BoundValues& add_prefixed(const BoundValues& other, const std::string& prefix);

  private:
    using Value = std::variant<std::string, int, long long, double, boost::optional<std::string>,
                               boost::optional<int>, boost::optional<long long>>;
    struct Entry {
        std::string name;
        Value value;
    };
    BoundValues& add(const std::string& name, Value value);
    Entry* find(const std::string& name);

    std::vector<Entry> entries_;
};

// `text` with every :name placeholder renamed :<prefix>name, so that statements binding the same
// names can be joined into one (a PostgreSQL WITH of several writes).
std::string with_prefixed_placeholders(const std::string& text, const std::string& prefix);

// Per connection (see ConnectionPool::Connection); used by one transaction at a time.
class StatementCache {
  public:
    class Entry {
      public:
        virtual ~Entry() = default;
    };

    // The entry cached under `key` (a statement's SQL text, which fixes the entry's type), or
    // the one `make()` returns, now cached. A make() that throws caches nothing.
    template <typename T, typename Make>
    T& get(const std::string& key, Make make) {
        auto it = entries_.find(key);
        if (it == entries_.end()) {
            std::unique_ptr<T> made = make();
            if (entries_.size() >= kMaxEntries) {
                entries_.clear();  // list filters combine into many texts: start over
            }
            it = entries_.emplace(key, std::move(made)).first;
        }
        return static_cast<T&>(*it->second);
    }

    // Drops a statement whose run failed: its state is unknown.
    void forget(const std::string& key) noexcept;
    std::size_t size() const noexcept { return entries_.size(); }

    static constexpr std::size_t kMaxEntries = 64;

  private:
    std::unordered_map<std::string, std::unique_ptr<Entry>> entries_;
};

}  // namespace vergegrid::plugins::sql
