#include "sim_bridge/process/console_output.hpp"

#include <fstream>
#include <system_error>
#include <thread>

namespace vergegrid::bridge {

namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(25);
constexpr std::size_t kPromptWindow = 4096;  // a question is one short line at the very end

std::string_view trimmed_right(std::string_view text) {
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
        text.remove_suffix(1);
    }
    return text;
}

}  // namespace

bool is_console_question(std::string_view unterminated_line) {
    const auto text = trimmed_right(unterminated_line);
    return !text.empty() && text.back() == ':';
}

ConsoleOutput::ConsoleOutput(std::filesystem::path file) : file_(std::move(file)) {}

ConsoleOutput::Mark ConsoleOutput::mark() const {
    std::error_code error;
    const auto size = std::filesystem::file_size(file_, error);
    return error ? 0 : size;
}

std::string ConsoleOutput::read_from(Mark from, std::size_t max_bytes) const {
    std::error_code error;
    const auto size = std::filesystem::file_size(file_, error);
    if (error) {
        return {};
    }
    if (from > size) {
        from = 0;  // the file was truncated or replaced since the mark
    }
    if (size - from > max_bytes) {
        from = size - max_bytes;
    }
    std::ifstream in(file_, std::ios::binary);
    if (!in) {
        return {};
    }
    in.seekg(static_cast<std::streamoff>(from));
    std::string text(static_cast<std::size_t>(size - from), '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return text;
}

std::vector<std::string> ConsoleOutput::lines_since(Mark from, std::size_t max_bytes) const {
    const auto text = read_from(from, max_bytes);
    std::vector<std::string> lines;
    std::size_t start = 0;
    for (auto end = text.find('\n'); end != std::string::npos; end = text.find('\n', start)) {
        auto line = std::string_view(text).substr(start, end - start);
        if (!line.empty() && line.back() == '\r') {
            line.remove_suffix(1);
        }
        lines.emplace_back(line);
        start = end + 1;
    }
    return lines;  // an unterminated tail is still being written (or is a prompt): not a line yet
}

std::optional<std::string> ConsoleOutput::wait_for_line(
    Mark from, const std::function<bool(std::string_view)>& wanted,
    std::chrono::milliseconds timeout) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        for (const auto& line : lines_since(from)) {
            if (wanted(line)) {
                return line;
            }
        }
        if (pending_prompt() || std::chrono::steady_clock::now() >= deadline) {
            return std::nullopt;
        }
        std::this_thread::sleep_for(kPollInterval);
    }
}

std::optional<std::string> ConsoleOutput::pending_prompt() const {
    const auto size = mark();
    const auto text = read_from(size > kPromptWindow ? size - kPromptWindow : 0, kPromptWindow);
    const auto newline = text.rfind('\n');
    const auto tail = newline == std::string::npos ? std::string_view(text)
                                                   : std::string_view(text).substr(newline + 1);
    if (!is_console_question(tail)) {
        return std::nullopt;
    }
    return std::string(trimmed_right(tail));
}

}  // namespace vergegrid::bridge
