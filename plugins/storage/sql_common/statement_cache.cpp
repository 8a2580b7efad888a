#include "statement_cache.hpp"

#include <soci/boost-optional.h>
#include <soci/soci.h>

#include <cctype>
#include <stdexcept>

namespace vergegrid::plugins::sql {

BoundValues& BoundValues::add(const std::string& name, Value value) {
    if (entries_.empty()) {
        // Most statements bind a few values and a region's row ~40: growing one by one from
        // nothing moved every entry four times over before the sixteenth.
        entries_.reserve(16);
    }
    entries_.push_back(Entry{name, std::move(value)});
    return *this;
}

BoundValues& BoundValues::text(const std::string& name, std::string value) {
    return add(name, Value(std::in_place_type<std::string>, std::move(value)));
}

BoundValues& BoundValues::number(const std::string& name, int value) {
    return add(name, Value(std::in_place_type<int>, value));
}

BoundValues& BoundValues::number64(const std::string& name, long long value) {
    return add(name, Value(std::in_place_type<long long>, value));
}

BoundValues& BoundValues::real(const std::string& name, double value) {
    return add(name, Value(std::in_place_type<double>, value));
}

BoundValues& BoundValues::text_or_null(const std::string& name,
                                       boost::optional<std::string> value) {
    return add(name, Value(std::in_place_type<boost::optional<std::string>>, std::move(value)));
}

BoundValues& BoundValues::number_or_null(const std::string& name, boost::optional<int> value) {
    return add(name, Value(std::in_place_type<boost::optional<int>>, value));
}

BoundValues& BoundValues::number64_or_null(const std::string& name,
                                           boost::optional<long long> value) {
    return add(name, Value(std::in_place_type<boost::optional<long long>>, value));
}

BoundValues::Entry* BoundValues::find(const std::string& name) {
    // The last one given: a name given twice binds its last value.
    for (auto entry = entries_.rbegin(); entry != entries_.rend(); ++entry) {
        if (entry->name == name) {
            return &*entry;
        }
    }
    return nullptr;
}

namespace {

bool starts_name(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_';
}

}  // namespace

void BoundValues::bind_into(soci::statement& st) {
    // Each name once, with its last value: sorted out here, once per prepared statement, rather
    // than on every add().
    std::vector<bool> last(entries_.size());
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        last[i] = find(entries_[i].name) == &entries_[i];
    }
    std::vector<Entry> unique;
    unique.reserve(entries_.size());
    for (std::size_t i = 0; i < entries_.size(); ++i) {
        if (last[i]) {
            unique.push_back(std::move(entries_[i]));
        }
    }
    entries_ = std::move(unique);
    for (auto& entry : entries_) {
        std::visit([&](auto& value) { st.exchange(soci::use(value, entry.name)); }, entry.value);
    }
}

void BoundValues::take_values(const BoundValues& other) {
    const bool in_step = other.entries_.size() == entries_.size();
    for (std::size_t i = 0; i < other.entries_.size(); ++i) {
        const Entry& theirs = other.entries_[i];
        Entry* mine = in_step && entries_[i].name == theirs.name ? &entries_[i] : find(theirs.name);
        if (mine == nullptr || mine->value.index() != theirs.value.index()) {
            throw std::logic_error("the statement binds no value named '" + theirs.name +
                                   "' of this kind");
        }
        // The same alternative: assigned in place, so the address SOCI bound stays valid.
        mine->value = theirs.value;
    }
}

void StatementCache::forget(const std::string& key) noexcept {
    try {
        entries_.erase(key);
    } catch (...) {
        // A statement's clean-up failing leaves nothing more to do: it is gone either way.
    }
}

BoundValues& BoundValues::add_prefixed(const BoundValues& other, const std::string& prefix) {
    entries_.reserve(entries_.size() + other.entries_.size());
    for (const auto& entry : other.entries_) {
        entries_.push_back(Entry{prefix + entry.name, entry.value});
    }
    return *this;
}

std::string with_prefixed_placeholders(const std::string& text, const std::string& prefix) {
    std::string out;
    out.reserve(text.size() + 8 * prefix.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        out += text[i];
        // ":name", not a "::type" cast: the statements joined bind by name and quote no colon.
        if (text[i] == ':' && i + 1 < text.size() && starts_name(text[i + 1]) &&
            (i == 0 || text[i - 1] != ':')) {
            out += prefix;
        }
    }
    return out;
}

}  // namespace vergegrid::plugins::sql
