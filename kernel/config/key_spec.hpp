// One configuration key: its name and how its text is checked and stored into a settings struct.
// The kernel's table and the control plane's own table (control/app) are built from these.
#pragma once

#include <charconv>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace vergegrid::kernel::config {

// Applies one key's text to S; returns an error message or "" when the value is good.
template <typename S>
using Apply = std::function<std::string(const std::string& text, S& settings)>;

template <typename S>
struct KeySpec {
    std::string key;
    Apply<S> apply;
};

template <typename Int>
std::optional<Int> parse_int(const std::string& text) {
    Int value{};
    const auto* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (ec != std::errc{} || ptr != end) {
        return std::nullopt;
    }
    return value;
}

template <typename S, typename Int, typename Store>
Apply<S> integer_in(Int low, Int high, Store store) {
    return [=](const std::string& text, S& settings) -> std::string {
        auto value = parse_int<Int>(text);
        if (!value || *value < low || *value > high) {
            return "'" + text + "' is not an integer between " + std::to_string(low) + " and " +
                   std::to_string(high);
        }
        store(settings, *value);
        return "";
    };
}

// A share from 0 to 1 (a load threshold).
template <typename S, typename Store>
Apply<S> share(Store store) {
    return [=](const std::string& text, S& settings) -> std::string {
        double value = 0.0;
        const auto* end = text.data() + text.size();
        auto [ptr, ec] = std::from_chars(text.data(), end, value);
        if (text.empty() || ec != std::errc{} || ptr != end || !(value >= 0.0) || value > 1.0) {
            return "'" + text + "' is not a number from 0 to 1";
        }
        store(settings, value);
        return "";
    };
}

template <typename S, typename Store>
Apply<S> one_of(std::vector<std::string> choices, Store store) {
    return [=](const std::string& text, S& settings) -> std::string {
        for (const auto& choice : choices) {
            if (text == choice) {
                store(settings, text);
                return "";
            }
        }
        std::string list;
        for (const auto& choice : choices) {
            list += (list.empty() ? "" : ", ") + choice;
        }
        return "'" + text + "' is not one of " + list;
    };
}

template <typename S, typename Store>
Apply<S> non_empty_path(Store store) {
    return [=](const std::string& text, S& settings) -> std::string {
        if (text.empty()) {
            return "must not be empty";
        }
        store(settings, std::filesystem::path(text));
        return "";
    };
}

// A file the process must be able to read at start-up (a certificate, a key).
template <typename S, typename Store>
Apply<S> readable_file(Store store) {
    return [=](const std::string& text, S& settings) -> std::string {
        if (text.empty()) {
            return "must not be empty";
        }
        const std::filesystem::path path(text);
        std::error_code error;
        const auto status = std::filesystem::status(path, error);
        if (!std::filesystem::exists(status)) {
            return "'" + text + "' does not exist";
        }
        if (std::filesystem::is_directory(status)) {
            return "'" + text + "' is a directory, not a file";
        }
        if (!std::ifstream(path).is_open()) {
            return "'" + text + "' cannot be read";
        }
        store(settings, path);
        return "";
    };
}

template <typename S, typename Store>
Apply<S> plugin_name(Store store) {
    return [=](const std::string& text, S& settings) -> std::string {
        const bool valid =
            !text.empty() &&
            text.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789-") == std::string::npos;
        if (!valid) {
            return "'" + text + "' is not a plugin name (lower-case letters, digits and '-')";
        }
        store(settings, text);
        return "";
    };
}

// Printable text without control characters, 1 to `max_length` bytes.
template <typename S, typename Store>
Apply<S> bounded_text(std::size_t max_length, Store store) {
    return [=](const std::string& text, S& settings) -> std::string {
        if (text.empty() || text.size() > max_length) {
            return "must be 1 to " + std::to_string(max_length) + " characters";
        }
        for (unsigned char c : text) {
            if (c < 0x20 || c == 0x7f) {
                return "must not hold control characters";
            }
        }
        store(settings, text);
        return "";
    };
}

// An absolute http:// or https:// URL with a host, without spaces (at most 2048 bytes).
template <typename S, typename Store>
Apply<S> http_url(Store store) {
    return [=](const std::string& text, S& settings) -> std::string {
        const auto scheme_end = text.find("://");
        const std::string scheme =
            scheme_end == std::string::npos ? "" : text.substr(0, scheme_end);
        const bool valid = (scheme == "http" || scheme == "https") && text.size() <= 2048 &&
                           text.size() > scheme_end + 3 && text[scheme_end + 3] != '/' &&
                           text.find_first_of(" \t\r\n") == std::string::npos;
        if (!valid) {
            return "'" + text + "' is not an http:// or https:// URL with a host";
        }
        store(settings, text);
        return "";
    };
}

}  // namespace vergegrid::kernel::config
