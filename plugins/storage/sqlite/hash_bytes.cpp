#include "hash_bytes.hpp"

#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>

namespace vergegrid::plugins::sqlite {

namespace {

constexpr int kHexDigits = 64;

// SQLITE_TRANSIENT (SQLite copies the bytes), which SOCI's header leaves naming a type outside
// the namespace it puts SQLite's API in.
const auto kCopy = reinterpret_cast<sqlite_api::sqlite3_destructor_type>(std::intptr_t{-1});

int digit_value(unsigned char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    return -1;  // upper case too: lower(hex()) would not give it back
}

void hash_bytes(sqlite_api::sqlite3_context* context, int, sqlite_api::sqlite3_value** arguments) {
    sqlite_api::sqlite3_value* value = arguments[0];
    if (sqlite_api::sqlite3_value_type(value) == SQLITE_TEXT &&
        sqlite_api::sqlite3_value_bytes(value) == kHexDigits) {
        const unsigned char* text = sqlite_api::sqlite3_value_text(value);
        std::array<unsigned char, kHexDigits / 2> bytes{};
        bool hex = text != nullptr;
        for (int i = 0; hex && i < kHexDigits / 2; ++i) {
            const int high = digit_value(text[2 * i]);
            const int low = digit_value(text[2 * i + 1]);
            hex = high >= 0 && low >= 0;
            bytes[static_cast<std::size_t>(i)] = static_cast<unsigned char>(high * 16 + low);
        }
        if (hex) {
            sqlite_api::sqlite3_result_blob(context, bytes.data(), static_cast<int>(bytes.size()),
                                            kCopy);
            return;
        }
    }
    sqlite_api::sqlite3_result_value(context, value);
}

}  // namespace

void add_hash_bytes_function(soci::session& sql) {
    auto* backend = static_cast<soci::sqlite3_session_backend*>(sql.get_backend());
    const int result = sqlite_api::sqlite3_create_function_v2(
        backend->conn_, "vergegrid_hash_bytes", 1,
        SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, nullptr, &hash_bytes, nullptr,
        nullptr, nullptr);
    if (result != SQLITE_OK) {
        throw std::runtime_error("cannot add the SQL function vergegrid_hash_bytes: " +
                                 std::string(sqlite_api::sqlite3_errstr(result)));
    }
}

}  // namespace vergegrid::plugins::sqlite
