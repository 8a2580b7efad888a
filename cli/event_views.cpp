#include "cli/event_views.hpp"

namespace vergegrid::cli {

namespace {

Column member(std::string header, std::string key) {
    return {std::move(header),
            [key = std::move(key)](const Json& item) { return member_text(item, key); }};
}

Column event_member(std::string header, std::string key) {
    return {std::move(header), [key = std::move(key)](const Json& item) {
                return member_text(item.is_object() ? item.value("event", Json()) : Json(), key);
            }};
}

// A filter list: its entries joined with ","; an empty list filters nothing, hence "all".
Column filter_list(std::string header, std::string key) {
    return {std::move(header), [key = std::move(key)](const Json& item) {
                const Json list = item.is_object() ? item.value(key, Json()) : Json();
                if (!list.is_array()) {
                    return cell(list);
                }
                if (list.empty()) {
                    return std::string("all");
                }
                std::string text;
                for (const auto& entry : list) {
                    text += (text.empty() ? "" : ",") + cell(entry);
                }
                return text;
            }};
}

}  // namespace

std::vector<Column> event_columns() {
    return {member("SEQ", "seq"), event_member("TIME", "time"), event_member("TYPE", "type"),
            event_member("SUBJECT", "subject")};
}

std::vector<Column> webhook_columns() {
    return {member("ID", "id"),
            member("NAME", "name"),
            member("STATE", "state"),
            member("URL", "url"),
            filter_list("TYPES", "types"),
            filter_list("SUBJECTS", "subjects"),
            member("CURSOR", "cursor"),
            member("LAG", "lag")};
}

std::vector<Column> subscription_columns() {
    return {member("ID", "id"),       member("SINK", "sink"),     member("NAME", "name"),
            member("STATE", "state"), member("CURSOR", "cursor"), member("LAG", "lag")};
}

std::vector<Column> delivery_columns() {
    return {member("ID", "id"),
            member("EVENT_SEQ", "event_seq"),
            member("EVENT_TYPE", "event_type"),
            member("AT", "at"),
            member("STATE", "state"),
            member("ATTEMPT", "attempt"),
            member("STATUS", "status"),
            member("DURATION_MS", "duration_ms"),
            member("ERROR", "error")};
}

std::string event_line(const std::string& seq, const Json& event) {
    return cell(Json(seq)) + "  " + member_text(event, "time") + "  " + member_text(event, "type") +
           "  " + member_text(event, "subject");
}

}  // namespace vergegrid::cli
