// The text log format escapes control characters a client could put into a message.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <sstream>

#include "logging/text_formatter.hpp"

namespace {

std::string logged_line(const std::string& client_text) {
    std::ostringstream out;
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_st>(out);
    spdlog::logger logger("vergegrid", sink);
    logger.set_formatter(vergegrid::logging::make_text_formatter());
    logger.info("GET {} 404", client_text);
    return out.str();
}

TEST(TextLogFormat, ANewlineFromAClientCannotForgeALogLine) {
    const auto line =
        logged_line("/x\n2026-01-01 00:00:00.000 info  [vergegrid] admin logged in\r");
    EXPECT_EQ(std::count(line.begin(), line.end(), '\n'), 1) << line;
    EXPECT_EQ(line.back(), '\n');
    EXPECT_NE(line.find("/x\\n2026-01-01 00:00:00.000 info  [vergegrid] admin logged in\\r 404"),
              std::string::npos)
        << line;
    EXPECT_NE(line.find(" [vergegrid] GET "), std::string::npos) << line;
}

TEST(TextLogFormat, TerminalEscapesAreShownNotObeyed) {
    const auto line = logged_line(
        "/\x1b[2J\x1b]0;owned\x07\x7f\t\xc2\x9b"
        "31m");
    EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
    EXPECT_EQ(line.find('\x07'), std::string::npos) << line;
    EXPECT_EQ(line.find('\x7f'), std::string::npos) << line;
    EXPECT_EQ(line.find("\xc2\x9b"), std::string::npos) << line;
    EXPECT_NE(line.find("/\\x1b[2J\\x1b]0;owned\\x07\\x7f\\t\\u009b31m"), std::string::npos)
        << line;
}

TEST(TextLogFormat, PrintableTextAndUtf8AreLeftAlone) {
    const auto line = logged_line("/r\xc3\xa9gion-\xe2\x82\xac?q=a%20b");
    EXPECT_NE(line.find("GET /r\xc3\xa9gion-\xe2\x82\xac?q=a%20b 404\n"), std::string::npos)
        << line;
}

}  // namespace
