#include "nats_subject.hpp"

namespace vergegrid::event_sink {

namespace {

bool breaks_a_token(unsigned char c) {
    return c <= 0x20 || c == 0x7f || c == '*' || c == '>';
}

void append_token(std::string& out, std::string_view token) {
    if (token.empty()) {
        out += '_';
        return;
    }
    for (const unsigned char c : token) {
        out += breaks_a_token(c) || c == '.' ? '_' : static_cast<char>(c);
    }
}

}  // namespace

std::string nats_subject(std::string_view prefix, std::string_view type, std::string_view subject) {
    std::string out(prefix);
    for (;;) {
        out += '.';
        const auto dot = type.find('.');
        append_token(out, type.substr(0, dot));
        if (dot == std::string_view::npos) {
            break;
        }
        type.remove_prefix(dot + 1);
    }
    out += '.';
    append_token(out, subject);
    return out;
}

bool is_valid_subject_prefix(std::string_view prefix) {
    if (prefix.empty() || prefix.front() == '.' || prefix.back() == '.' ||
        prefix.find("..") != std::string_view::npos) {
        return false;
    }
    for (const unsigned char c : prefix) {
        if (breaks_a_token(c)) {
            return false;
        }
    }
    return true;
}

bool is_valid_stream_name(std::string_view name) {
    if (name.empty() || name.size() > 255) {
        return false;
    }
    for (const unsigned char c : name) {
        if (breaks_a_token(c) || c == '.' || c == '/' || c == '\\') {
            return false;
        }
    }
    return true;
}

}  // namespace vergegrid::event_sink
