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

void BoundValues::bind_into(soci::statement& st) {
    for (auto& [name, value] : texts_) {
        st.exchange(soci::use(value, name));
    }
    for (auto& [name, value] : numbers_) {
        st.exchange(soci::use(value, name));
    }
    for (auto& [name, value] : reals_) {
        st.exchange(soci::use(value, name));
    }
    for (auto& [name, value] : optional_texts_) {
        st.exchange(soci::use(value, name));
    }
    for (auto& [name, value] : optional_numbers_) {
        st.exchange(soci::use(value, name));
    }
}

void BoundValues::take_values(const BoundValues& other) {
    for (const auto& [name, value] : other.texts_) {
        texts_.at(name) = value;
    }
    for (const auto& [name, value] : other.numbers_) {
        numbers_.at(name) = value;
    }
    for (const auto& [name, value] : other.reals_) {
        reals_.at(name) = value;
    }
    for (const auto& [name, value] : other.optional_texts_) {
        optional_texts_.at(name) = value;
    }
    for (const auto& [name, value] : other.optional_numbers_) {
        optional_numbers_.at(name) = value;
    }
}

void StatementCache::forget(const std::string& key) noexcept {
    try {
        entries_.erase(key);
    } catch (...) {
        // A statement's clean-up failing leaves nothing more to do: it is gone either way.
    }
}

}  // namespace vergegrid::plugins::sql
