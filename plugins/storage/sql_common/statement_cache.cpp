#include "statement_cache.hpp"

#include <soci/boost-optional.h>
#include <soci/soci.h>

namespace vergegrid::plugins::sql {

BoundValues& BoundValues::text(const std::string& name, std::string value) {
    texts_[name] = std::move(value);
    return *this;
}

BoundValues& BoundValues::number(const std::string& name, int value) {
    numbers_[name] = value;
    return *this;
}

BoundValues& BoundValues::number64(const std::string& name, long long value) {
    numbers64_[name] = value;
    return *this;
}

BoundValues& BoundValues::real(const std::string& name, double value) {
    reals_[name] = value;
    return *this;
}

BoundValues& BoundValues::text_or_null(const std::string& name,
                                       boost::optional<std::string> value) {
    optional_texts_[name] = std::move(value);
    return *this;
}

BoundValues& BoundValues::number_or_null(const std::string& name, boost::optional<int> value) {
    optional_numbers_[name] = value;
    return *this;
}

BoundValues& BoundValues::number64_or_null(const std::string& name,
                                           boost::optional<long long> value) {
    optional_numbers64_[name] = value;
    return *this;
}

namespace {

template <typename Value>
void bind_each(soci::statement& st, std::map<std::string, Value>& values) {
    for (auto& [name, value] : values) {
        st.exchange(soci::use(value, name));
    }
}

template <typename Value>
void take_each(std::map<std::string, Value>& mine, const std::map<std::string, Value>& theirs) {
    for (const auto& [name, value] : theirs) {
        mine.at(name) = value;
    }
}

}  // namespace

void BoundValues::bind_into(soci::statement& st) {
    bind_each(st, texts_);
    bind_each(st, numbers_);
    bind_each(st, numbers64_);
    bind_each(st, reals_);
    bind_each(st, optional_texts_);
    bind_each(st, optional_numbers_);
    bind_each(st, optional_numbers64_);
}

void BoundValues::take_values(const BoundValues& other) {
    take_each(texts_, other.texts_);
    take_each(numbers_, other.numbers_);
    take_each(numbers64_, other.numbers64_);
    take_each(reals_, other.reals_);
    take_each(optional_texts_, other.optional_texts_);
    take_each(optional_numbers_, other.optional_numbers_);
    take_each(optional_numbers64_, other.optional_numbers64_);
}

void StatementCache::forget(const std::string& key) noexcept {
    try {
        entries_.erase(key);
    } catch (...) {
        // A statement's clean-up failing leaves nothing more to do: it is gone either way.
    }
}

}  // namespace vergegrid::plugins::sql
