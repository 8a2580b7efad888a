// Keyset pagination for list endpoints: ?limit=N&after=CURSOR, answered with {"items":[...],
// "next": CURSOR or null}. Cursors are opaque to clients (base64url of the sort key).
#pragma once

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "kernel/http/request.hpp"

namespace vergegrid::control {

inline constexpr int kDefaultPageSize = 100;
inline constexpr int kMaxPageSize = 500;

struct PageRequest {
    int limit = kDefaultPageSize;
    std::string after;  // decoded sort key; "" = first page
};

// Reads `limit` and the cursor parameter (`after` by default). Bad values are 400s naming them.
PageRequest page_request(const kernel::http::Request& request,
                         const std::string& cursor_param = "after");

std::string encode_cursor(const std::string& key);

// {"items":[...], "next":...} from rows fetched with limit + 1 (the extra row says there is more).
template <typename Row, typename KeyOf, typename ToJson>
nlohmann::json paged_json(const std::vector<Row>& rows, int limit, KeyOf key_of, ToJson to_json) {
    nlohmann::json items = nlohmann::json::array();
    const auto shown = std::min(rows.size(), static_cast<std::size_t>(limit));
    for (std::size_t i = 0; i < shown; ++i) {
        items.push_back(to_json(rows[i]));
    }
    nlohmann::json next = nullptr;
    if (rows.size() > shown) {
        next = encode_cursor(key_of(rows[shown - 1]));
    }
    return {{"items", std::move(items)}, {"next", std::move(next)}};
}

}  // namespace vergegrid::control
