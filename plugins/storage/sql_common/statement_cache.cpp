#include "statement_cache.hpp"

#include <soci/boost-optional.h>
#include <soci/soci.h>

#include <cctype>

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
void add_each(std::map<std::string, Value>& mine, const std::map<std::string, Value>& theirs,
              const std::string& prefix) {
    for (const auto& [name, value] : theirs) {
        mine[prefix + name] = value;
    }
}

bool starts_name(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) != 0 || c == '_';
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

BoundValues& BoundValues::add_prefixed(const BoundValues& other, const std::string& prefix) {
    add_each(texts_, other.texts_, prefix);
    add_each(numbers_, other.numbers_, prefix);
    add_each(numbers64_, other.numbers64_, prefix);
    add_each(reals_, other.reals_, prefix);
    add_each(optional_texts_, other.optional_texts_, prefix);
    add_each(optional_numbers_, other.optional_numbers_, prefix);
    add_each(optional_numbers64_, other.optional_numbers64_, prefix);
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
