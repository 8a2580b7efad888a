#include "control/common/json_reader.hpp"

#include <cmath>

#include "control/domain/domain_error.hpp"

namespace vergegrid::control {

JsonReader::JsonReader(const nlohmann::json& value, std::string path)
    : value_(&value), path_(std::move(path)) {
    if (!value.is_object()) {
        throw DomainError::invalid_field(path_.empty() ? "body" : path_, "must be a JSON object");
    }
}

bool JsonReader::has(const std::string& key) const {
    return value_->contains(key);
}

const nlohmann::json* JsonReader::find(const std::string& key) {
    auto it = value_->find(key);
    if (it == value_->end()) {
        return nullptr;
    }
    read_.insert(key);
    return &*it;
}

const nlohmann::json* JsonReader::raw(const std::string& key) {
    return find(key);
}

std::optional<std::string> JsonReader::string(const std::string& key, std::size_t max_length) {
    const auto* v = find(key);
    if (v == nullptr) {
        return std::nullopt;
    }
    if (!v->is_string()) {
        throw DomainError::invalid_field(field(key), "must be a string");
    }
    const auto& text = v->get_ref<const std::string&>();
    if (text.size() > max_length) {
        throw DomainError::invalid_field(
            field(key), "must be at most " + std::to_string(max_length) + " bytes");
    }
    return text;
}

std::optional<std::string> JsonReader::name(const std::string& key, std::size_t max_length) {
    auto text = string(key, max_length);
    if (!text) {
        return text;
    }
    if (text->empty()) {
        throw DomainError::invalid_field(field(key), "must not be empty");
    }
    for (unsigned char c : *text) {
        if (c < 0x20 || c == 0x7f) {
            throw DomainError::invalid_field(field(key), "must not contain control characters");
        }
    }
    if (text->front() == ' ' || text->back() == ' ') {
        throw DomainError::invalid_field(field(key), "must not start or end with a space");
    }
    return text;
}

std::optional<std::string> JsonReader::nullable_string(const std::string& key,
                                                       std::size_t max_length) {
    const auto* v = value_->contains(key) ? &value_->at(key) : nullptr;
    if (v != nullptr && v->is_null()) {
        read_.insert(key);
        return std::string();
    }
    return string(key, max_length);
}

std::optional<int> JsonReader::integer(const std::string& key, long long min, long long max) {
    const auto* v = find(key);
    if (v == nullptr) {
        return std::nullopt;
    }
    const std::string range =
        "must be an integer between " + std::to_string(min) + " and " + std::to_string(max);
    if (!v->is_number_integer()) {
        throw DomainError::invalid_field(field(key), range);
    }
    const bool is_unsigned = v->is_number_unsigned();
    const long long n =
        is_unsigned
            ? static_cast<long long>(std::min<std::uint64_t>(v->get<std::uint64_t>(), 1ULL << 62))
            : v->get<long long>();
    if (n < min || n > max) {
        throw DomainError::invalid_field(field(key), range);
    }
    return static_cast<int>(n);
}

std::optional<double> JsonReader::number(const std::string& key, double min, double max) {
    const auto* v = find(key);
    if (v == nullptr) {
        return std::nullopt;
    }
    const double n = v->is_number() ? v->get<double>() : NAN;
    if (!std::isfinite(n) || n < min || n > max) {
        throw DomainError::invalid_field(field(key), "must be a number between " +
                                                         nlohmann::json(min).dump() + " and " +
                                                         nlohmann::json(max).dump());
    }
    return n;
}

std::optional<bool> JsonReader::boolean(const std::string& key) {
    const auto* v = find(key);
    if (v == nullptr) {
        return std::nullopt;
    }
    if (!v->is_boolean()) {
        throw DomainError::invalid_field(field(key), "must be true or false");
    }
    return v->get<bool>();
}

std::optional<std::vector<std::string>> JsonReader::string_list(const std::string& key,
                                                                std::size_t max_items,
                                                                std::size_t max_length) {
    const auto* v = find(key);
    if (v == nullptr) {
        return std::nullopt;
    }
    if (!v->is_array() || v->size() > max_items) {
        throw DomainError::invalid_field(
            field(key), "must be an array of at most " + std::to_string(max_items) + " strings");
    }
    std::vector<std::string> items;
    for (const auto& item : *v) {
        if (!item.is_string() || item.get_ref<const std::string&>().empty() ||
            item.get_ref<const std::string&>().size() > max_length) {
            throw DomainError::invalid_field(field(key),
                                             "items must be non-empty strings of at most " +
                                                 std::to_string(max_length) + " bytes");
        }
        items.push_back(item.get<std::string>());
    }
    return items;
}

std::optional<JsonReader> JsonReader::object(const std::string& key) {
    const auto* v = find(key);
    if (v == nullptr) {
        return std::nullopt;
    }
    return JsonReader(*v, field(key));
}

void JsonReader::forbid(const std::string& key, const std::string& why) {
    if (value_->contains(key)) {
        throw DomainError::invalid_field(field(key), why);
    }
}

void JsonReader::reject_unknown() const {
    for (const auto& [key, _] : value_->items()) {
        if (read_.count(key) == 0) {
            throw DomainError(Fault::invalid_input, "unknown_field", "unknown field", field(key));
        }
    }
}

}  // namespace vergegrid::control
