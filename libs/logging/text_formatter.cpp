#include "logging/text_formatter.hpp"

#include <spdlog/details/log_msg.h>
#include <spdlog/pattern_formatter.h>

namespace vergegrid::logging {

namespace {

constexpr char kHex[] = "0123456789abcdef";

void append(spdlog::memory_buf_t& out, std::string_view text) {
    out.append(text.data(), text.data() + text.size());
}

// %v with the payload escaped; every other flag of the pattern is spdlog's.
class EscapedPayload final : public spdlog::custom_flag_formatter {
  public:
    void format(const spdlog::details::log_msg& msg, const std::tm&,
                spdlog::memory_buf_t& dest) override {
        append_escaped(std::string_view(msg.payload.data(), msg.payload.size()), dest);
    }
    std::unique_ptr<custom_flag_formatter> clone() const override {
        return std::make_unique<EscapedPayload>();
    }
};

}  // namespace

void append_escaped(std::string_view text, spdlog::memory_buf_t& out) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte == '\n') {
            append(out, "\\n");
        } else if (byte == '\r') {
            append(out, "\\r");
        } else if (byte == '\t') {
            append(out, "\\t");
        } else if (byte < 0x20 || byte == 0x7f) {
            const char escaped[] = {'\\', 'x', kHex[byte >> 4], kHex[byte & 0xf]};
            append(out, std::string_view(escaped, sizeof(escaped)));
        } else if (byte == 0xc2 && i + 1 < text.size() &&
                   static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
                   static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
            const auto code = static_cast<unsigned char>(text[++i]);
            const char escaped[] = {'\\', 'u', '0', '0', kHex[code >> 4], kHex[code & 0xf]};
            append(out, std::string_view(escaped, sizeof(escaped)));
        } else {
            out.push_back(text[i]);
        }
    }
}

std::unique_ptr<spdlog::formatter> make_text_formatter() {
    auto formatter = std::make_unique<spdlog::pattern_formatter>();
    formatter->add_flag<EscapedPayload>('*').set_pattern("%Y-%m-%d %H:%M:%S.%e %^%-5l%$ [%n] %*");
    return formatter;
}

}  // namespace vergegrid::logging
