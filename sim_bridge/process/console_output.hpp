// What the simulator wrote on its console: the file its standard output and error go to (the
// supervisor appends both to the simulator log). OpenSim answers admin_console_command with {}
// whatever the line did, and asks its start-up questions there (trap 12): this is where the bridge
// reads the outcome of a console line and notices a simulator waiting for an answer.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vergegrid::bridge {

class ConsoleOutput {
  public:
    using Mark = std::uintmax_t;  // a byte offset in the file

    explicit ConsoleOutput(std::filesystem::path file);

    // The end of the output now: what the simulator writes from here on comes after it.
    Mark mark() const;
    // The complete lines written after `from`, at most the last `max_bytes` of them (a simulator
    // that logs a flood must not make the bridge read it all). A file that shrank (rotated,
    // truncated) reads from its start.
    std::vector<std::string> lines_since(Mark from, std::size_t max_bytes = kDefaultWindow) const;
    // Polls until a complete line written after `from` satisfies `wanted` and returns it; nullopt
    // after `timeout` or as soon as the simulator waits at a console question (pending_prompt).
    std::optional<std::string> wait_for_line(Mark from,
                                             const std::function<bool(std::string_view)>& wanted,
                                             std::chrono::milliseconds timeout) const;
    // The question the simulator is waiting on, if any: the output ends in a line without a
    // newline that asks for input ("Estate owner first name [Test]: ", anything ending in ':'),
    // as OpenSim's CmdPrompt writes it. The ordinary command prompt ("Region (root) # ") is not a
    // question. A log line caught half-written can end in ':' too ("... - [SCENE]:"), so a tail
    // that looks like a question is read again kSettle later and counts only when the output has
    // not moved meanwhile (a question waits; a log line goes on). `from`: only output written
    // after this mark counts (a line a killed simulator left unfinished is no question of the
    // one started since).
    std::optional<std::string> pending_prompt(Mark from = 0) const;

    // pending_prompt, or else a simulator whose last line announces a question it does not
    // write (console_questions.hpp: a real OpenSim with its output in a file) and that has
    // written nothing more for kAnnouncementSettle. Returns the question or the announcement.
    std::optional<std::string> pending_question(Mark from = 0) const;

    // How long a question-like tail must stay unchanged to count as a question.
    static constexpr std::chrono::milliseconds kSettle{200};
    // OpenSim announces "Estate X has no owner set." also when [Estates] DefaultEstateOwnerName
    // lets it go on without asking: it then logs the region's start within milliseconds.
    static constexpr std::chrono::milliseconds kAnnouncementSettle{500};

    const std::filesystem::path& file() const { return file_; }

    static constexpr std::size_t kDefaultWindow = 1 << 20;

  private:
    std::string read_from(Mark from, std::size_t max_bytes) const;

    std::filesystem::path file_;
};

// True for the tail of a console that waits for an answer (see pending_prompt).
bool is_console_question(std::string_view unterminated_line);

}  // namespace vergegrid::bridge
