#include "sim_bridge/process/console_output.hpp"

#include "sim_bridge/process/console_questions.hpp"

#include <algorithm>
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
    const auto size = mark();
    const bool cut = from <= size && size - from > max_bytes;
    const auto text = read_from(from, max_bytes);
    std::vector<std::string> lines;
    std::size_t start = 0;
    if (cut) {
        // The window began inside a line: that piece is no line of its own.
        const auto first = text.find('\n');
        start = first == std::string::npos ? text.size() : first + 1;
    }
    for (auto end = text.find('\n', start); end != std::string::npos;
         end = text.find('\n', start)) {
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
        if (pending_question() || std::chrono::steady_clock::now() >= deadline) {
            return std::nullopt;
        }
        std::this_thread::sleep_for(kPollInterval);
    }
}

namespace {

// The unterminated tail of `text` when it asks a question.
std::optional<std::string> question_at_end(std::string_view text) {
    const auto newline = text.rfind('\n');
    const auto tail = newline == std::string_view::npos ? text : text.substr(newline + 1);
    if (!is_console_question(tail)) {
        return std::nullopt;
    }
    return std::string(trimmed_right(tail));
}

}  // namespace

std::optional<std::string> ConsoleOutput::pending_prompt(Mark from) const {
    const auto size = mark();
    if (size <= from) {
        return std::nullopt;
    }
    const auto window = std::min<std::uintmax_t>(kPromptWindow, size - from);
    const auto question = question_at_end(read_from(size - window, window));
    if (!question) {
        return std::nullopt;
    }
    std::this_thread::sleep_for(kSettle);
    if (mark() != size) {
        return std::nullopt;  // the output went on: a log line written in pieces, or answered
    }
    return question;
}

std::optional<std::string> ConsoleOutput::pending_question(Mark from) const {
    if (auto question = pending_prompt(from)) {
        return question;
    }
    const auto size = mark();
    if (size <= from) {
        return std::nullopt;
    }
    const auto window = std::min<std::uintmax_t>(kPromptWindow, size - from);
    const auto text = read_from(size - window, window);
    if (text.empty() || text.back() != '\n') {
        return std::nullopt;
    }
    auto last = std::string_view(text).substr(0, text.size() - 1);
    const auto newline = last.rfind('\n');
    if (newline != std::string_view::npos) {
        last.remove_prefix(newline + 1);
    }
    last = trimmed_right(last);
    if (!announces_console_question(last)) {
        return std::nullopt;
    }
    const std::string announcement(last);
    std::this_thread::sleep_for(kAnnouncementSettle);
    if (mark() != size) {
        return std::nullopt;  // it went on without asking
    }
    return announcement;
}

}  // namespace vergegrid::bridge
