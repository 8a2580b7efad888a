// Statements prepared once per connection and run again with new values. Preparing (parsing and
// planning) the 7-table region join was half of a region read's CPU on SQLite, and planning it
// most of PostgreSQL's (docs/benchmarks.md). A cached statement binds values it owns
// (BoundValues); each run copies the caller's values into them, then fetches every row, so that
// no SQLite statement stays half-stepped (holding a read snapshot) between runs.
#pragma once

#include <boost/optional.hpp>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>

namespace soci {
class statement;
}

namespace vergegrid::plugins::sql {

// The values a statement binds, by name.
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

    // Binds this object's own storage into `st` by name: it must outlive the statement.
    void bind_into(soci::statement& st);
    // Takes the values of `other`, which binds the same names (the same statement text).
    void take_values(const BoundValues& other);
    // Adds every value of `other`, its name prefixed with `prefix` (as with_prefixed_placeholders
    // renames them in its statement's text).
    BoundValues& add_prefixed(const BoundValues& other, const std::string& prefix);

  private:
    std::map<std::string, std::string> texts_;  // map nodes keep their addresses: safe to bind
    std::map<std::string, int> numbers_;
    std::map<std::string, long long> numbers64_;
    std::map<std::string, double> reals_;
    std::map<std::string, boost::optional<std::string>> optional_texts_;
    std::map<std::string, boost::optional<int>> optional_numbers_;
    std::map<std::string, boost::optional<long long>> optional_numbers64_;
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
