#include "kernel/http/request_id.hpp"

#include <algorithm>
#include <random>

namespace vergegrid::kernel::http {

bool is_acceptable_request_id(std::string_view id) {
    constexpr std::string_view kPunctuation = "._:+/=-";
    return !id.empty() && id.size() <= 128 && std::all_of(id.begin(), id.end(), [&](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               kPunctuation.find(c) != std::string_view::npos;
    });
}

std::string new_request_id() {
    // One engine per thread: no lock on the request path. Ids need to be unique, not secret.
    thread_local std::mt19937_64 engine{std::random_device{}()};
    constexpr char kHex[] = "0123456789abcdef";
    std::string id(32, '0');
    for (std::size_t i = 0; i < id.size(); i += 16) {
        auto bits = engine();
        for (std::size_t j = 0; j < 16; ++j, bits >>= 4) {
            id[i + j] = kHex[bits & 0xF];
        }
    }
    return id;
}

std::string choose_request_id(std::string_view client_value) {
    return is_acceptable_request_id(client_value) ? std::string(client_value) : new_request_id();
}

}  // namespace vergegrid::kernel::http
