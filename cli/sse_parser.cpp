#include "cli/sse_parser.hpp"

#include <algorithm>
#include <stdexcept>

namespace vergegrid::cli {

namespace {

constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
constexpr long long kMaxRetryMs = 24LL * 3600 * 1000;

}  // namespace

SseParser::SseParser(Handler on_event, std::size_t max_line_bytes)
    : on_event_(std::move(on_event)), max_line_bytes_(max_line_bytes) {}

void SseParser::feed(std::string_view bytes) {
    for (const char c : bytes) {
        if (after_cr_) {
            after_cr_ = false;
            if (c == '\n') {
                continue;  // the LF of a CRLF that ended the line already
            }
        }
        if (c == '\r' || c == '\n') {
            after_cr_ = c == '\r';
            std::string text;
            text.swap(pending_);
            line(text);
            continue;
        }
        if (pending_.size() >= max_line_bytes_) {
            throw std::length_error("an event stream line is longer than " +
                                    std::to_string(max_line_bytes_) + " bytes");
        }
        pending_ += c;
    }
}

void SseParser::line(std::string_view text) {
    if (!seen_first_) {
        seen_first_ = true;
        if (text.substr(0, kByteOrderMark.size()) == kByteOrderMark) {
            text.remove_prefix(kByteOrderMark.size());
        }
    }
    if (text.empty()) {
        dispatch();
        return;
    }
    if (text.front() == ':') {
        ++comments_;
        return;
    }
    const auto colon = text.find(':');
    if (colon == std::string_view::npos) {
        field(text, {});
        return;
    }
    std::string_view value = text.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') {
        value.remove_prefix(1);
    }
    field(text.substr(0, colon), value);
}

void SseParser::field(std::string_view name, std::string_view value) {
    if (name == "event") {
        type_ = value;
    } else if (name == "data") {
        if (data_.size() + value.size() + 1 > max_line_bytes_) {
            throw std::length_error("an event's data is longer than " +
                                    std::to_string(max_line_bytes_) + " bytes");
        }
        if (has_data_) {
            data_ += '\n';
        }
        data_ += value;
        has_data_ = true;
    } else if (name == "id") {
        if (value.find('\0') == std::string_view::npos) {
            id_buffer_ = value;
        }
    } else if (name == "retry") {
        const bool digits =
            !value.empty() && value.size() <= 12 &&
            std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (digits) {
            retry_ms_ = std::min(std::stoll(std::string(value)), kMaxRetryMs);
        }
    }
    // Any other field is ignored, as the standard says.
}

void SseParser::dispatch() {
    last_event_id_ = id_buffer_;
    if (!has_data_) {
        type_.clear();
        return;
    }
    SseEvent event;
    event.id = last_event_id_;
    if (!type_.empty()) {
        event.type = std::move(type_);
    }
    event.data = std::move(data_);
    type_.clear();
    data_.clear();
    has_data_ = false;
    on_event_(event);
}

}  // namespace vergegrid::cli
