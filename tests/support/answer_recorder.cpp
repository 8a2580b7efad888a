#include "tests/support/answer_recorder.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>

namespace vergegrid::test {

namespace {

// Archives (snapshot uploads and downloads) are not the document's business past their start;
// JSON is kept whole, to be validated.
constexpr std::size_t kMaxRecordedBytes = 256 * 1024;

bool is_json(const std::string& content_type) {
    return content_type.rfind("application/json", 0) == 0;
}

std::string bounded(const std::string& text, bool keep_whole) {
    return keep_whole || text.size() <= kMaxRecordedBytes ? text
                                                          : text.substr(0, kMaxRecordedBytes);
}

}  // namespace

void record_answer(const std::string& method, const std::string& path,
                   const std::string& request_body, int status, const std::string& content_type,
                   const std::string& body) {
    const char* dir = std::getenv("VERGEGRID_RECORD_ANSWERS");
    if (dir == nullptr || *dir == '\0') {
        return;
    }
    const nlohmann::json line = {{"method", method},
                                 {"path", path},
                                 {"status", status},
                                 {"content_type", content_type},
                                 {"body", bounded(body, is_json(content_type))},
                                 {"request_body", bounded(request_body, false)}};
    // Tests call from several threads; one line per answer, whole or not at all. Test programs
    // run side by side: each has a file of its own (a long line is more than one write), opened
    // once, with its folder made then.
    static std::mutex mutex;
    const std::lock_guard lock(mutex);
    static std::ofstream out = [dir] {
        std::filesystem::create_directories(dir);
        return std::ofstream(
            std::filesystem::path(dir) / ("answers-" + std::to_string(::getpid()) + ".jsonl"),
            std::ios::app | std::ios::binary);
    }();
    out << line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
    out.flush();  // the check reads the file once this program has ended, however it ended
}

}  // namespace vergegrid::test
