// Reads a client's JSON object field by field, with the field's full path in every error
// ("flags.max_prims: must be an integer between 0 and 1000000"), and refuses fields nobody read.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace vergegrid::control {

class JsonReader {
  public:
    // `path` is the object's own path ("" for the body, "flags" for a nested object). Throws
    // DomainError invalid_input (400) naming the path when `value` is not an object.
    JsonReader(const nlohmann::json& value, std::string path);

    bool has(const std::string& key) const;
    // Each returns nullopt when the key is absent; a present key of the wrong type or out of
    // range is a 400 naming the field. `null` counts as present only for nullable_string.
    std::optional<std::string> string(const std::string& key, std::size_t max_length);
    // A single-line name: no control characters, no leading or trailing blanks, not empty.
    std::optional<std::string> name(const std::string& key, std::size_t max_length);
    // A string or null; null is returned as "".
    std::optional<std::string> nullable_string(const std::string& key, std::size_t max_length);
    std::optional<int> integer(const std::string& key, long long min, long long max);
    std::optional<double> number(const std::string& key, double min, double max);
    std::optional<bool> boolean(const std::string& key);
    std::optional<std::vector<std::string>> string_list(const std::string& key,
                                                        std::size_t max_items,
                                                        std::size_t max_length);
    // A nested object; nullopt when absent.
    std::optional<JsonReader> object(const std::string& key);
    // The raw value, for callers that validate it themselves; marks the key as read.
    const nlohmann::json* raw(const std::string& key);

    // Refuses a key that is present but may not be set by this request.
    void forbid(const std::string& key, const std::string& why);
    // Throws DomainError invalid_input (400) "unknown_field" for the first key no accessor read.
    void reject_unknown() const;

    std::string field(const std::string& key) const {
        return path_.empty() ? key : path_ + "." + key;
    }

  private:
    const nlohmann::json* find(const std::string& key);

    const nlohmann::json* value_;
    std::string path_;
    std::set<std::string> read_;
};

}  // namespace vergegrid::control
