// ConsoleOutput over a simulator log written by the test: complete lines after a mark, the
// questions a simulator waits on (and the half-written log lines that only look like one), and
// the fix each question names.
#include "sim_bridge/process/console_output.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "sim_bridge/process/console_questions.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using vergegrid::bridge::ConsoleOutput;
using namespace std::chrono_literals;

class Console : public ::testing::Test {
  protected:
    void write(const std::string& text) {
        std::ofstream out(file_, std::ios::binary | std::ios::app);
        out << text;
    }
    // Appends `text` after `delay`, on another thread, as a simulator goes on writing.
    void write_later(std::string text, std::chrono::milliseconds delay) {
        writer_ = std::thread([this, text = std::move(text), delay] {
            std::this_thread::sleep_for(delay);
            write(text);
        });
    }
    void TearDown() override {
        if (writer_.joinable()) {
            writer_.join();
        }
    }

    vergegrid::test::TempDir dir_;
    std::filesystem::path file_ = dir_.path() / "simulator.log";
    ConsoleOutput console_{file_};
    std::thread writer_;
};

TEST_F(Console, LinesSinceAMarkAreTheCompleteLinesWrittenAfterIt) {
    write("before\n");
    const auto mark = console_.mark();
    write("one\r\ntwo\nthree without newline");
    EXPECT_THAT(console_.lines_since(mark), ElementsAre("one", "two"));
    EXPECT_THAT(console_.lines_since(0), ElementsAre("before", "one", "two"));
}

TEST_F(Console, AFileThatShrankIsReadFromItsStartAndAFloodOnlyItsLastBytes) {
    write("a long line from before the rotation\n");
    const auto mark = console_.mark();
    std::filesystem::remove(file_);
    write("fresh\n");
    EXPECT_THAT(console_.lines_since(mark), ElementsAre("fresh"));
    write("0123456789\nlast\n");
    EXPECT_THAT(console_.lines_since(0, 12), ElementsAre("last")) << "not the cut \"456789\"";
    EXPECT_EQ(ConsoleOutput(dir_.path() / "missing.log").mark(), 0u);
}

TEST_F(Console, AQuestionAtTheEndOfTheOutputIsPending) {
    write("12:00:00 - [SCENE]: loading\nEstate My Estate has no owner set.\n");
    write("Estate owner first name [Test]: ");
    EXPECT_EQ(console_.pending_prompt(), "Estate owner first name [Test]:");
    EXPECT_EQ(console_.pending_question(), "Estate owner first name [Test]:");
}

TEST_F(Console, TheCommandPromptIsNoQuestion) {
    write("12:00:00 - [SCENE]: ready\nRegion (root) # ");
    EXPECT_EQ(console_.pending_prompt(), std::nullopt);
    EXPECT_EQ(console_.pending_question(), std::nullopt);
}

TEST_F(Console, AHalfWrittenLogLineEndingInAColonIsNoQuestion) {
    write("12:00:00 - [SCENE]:");
    write_later(" Region Alpha started\n", 50ms);
    EXPECT_EQ(console_.pending_prompt(), std::nullopt) << "the line went on within kSettle";
}

TEST_F(Console, OnlyOutputAfterTheMarkCanAsk) {
    write("Estate owner first name [Test]: ");  // left unfinished by a killed simulator
    const auto mark = console_.mark();
    EXPECT_EQ(console_.pending_prompt(mark), std::nullopt);
    write("\n12:00:01 - [OPENSIM MAIN]: starting\nEstate owner last name [User]: ");
    EXPECT_EQ(console_.pending_prompt(mark), "Estate owner last name [User]:");
}

TEST_F(Console, AnAnnouncedQuestionWithNothingAfterItIsPending) {
    // A real OpenSim 0.9.2.2 with its output in a file writes the announcement, not the question.
    write("12:00:00 - [SCENE]: Secure permissions loading enabled\n");
    const auto mark = console_.mark();
    write("Estate My Estate has no owner set.\n");
    EXPECT_EQ(console_.pending_question(mark), "Estate My Estate has no owner set.");
}

TEST_F(Console, AnAnnouncementOpenSimGoesOnFromIsNoQuestion) {
    // With [Estates] DefaultEstateOwnerName set it announces, then carries on at once.
    write("Estate My Estate has no owner set.\n");
    write_later("12:00:00 - [ESTATE]: Estate My Estate owner set\n", 100ms);
    EXPECT_EQ(console_.pending_question(), std::nullopt);
}

TEST_F(Console, WaitForLineFindsALineWrittenLater) {
    const auto mark = console_.mark();
    write_later("12:00:00 - [ESTATEMODULE]: Setting water height in Alpha\n", 100ms);
    const auto line = console_.wait_for_line(
        mark, [](std::string_view l) { return l.find("water height") != std::string_view::npos; },
        10s);
    ASSERT_TRUE(line);
    EXPECT_THAT(*line, HasSubstr("Setting water height in Alpha"));
}

TEST_F(Console, WaitForLineStopsAtAQuestionInsteadOfWaitingItsTimeout) {
    const auto mark = console_.mark();
    write("Estate owner first name [Test]: ");
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(console_.wait_for_line(
                  mark, [](std::string_view) { return false; }, 60s),
              std::nullopt);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 30s);
}

TEST(ConsoleQuestions, EachQuestionNamesTheSettingThatAvoidsIt) {
    using vergegrid::bridge::describe_console_question;
    EXPECT_EQ(describe_console_question("Estate owner first name [Test]:"),
              "console question \"Estate owner first name [Test]:\" — set [Estates] "
              "DefaultEstateName, DefaultEstateOwnerName, DefaultEstateOwnerUUID, "
              "DefaultEstateOwnerEMail and DefaultEstateOwnerPassword in OpenSim.ini");
    EXPECT_THAT(describe_console_question("Estate My Estate has no owner set."),
                HasSubstr("DefaultEstateOwnerUUID"));
    EXPECT_THAT(describe_console_question("New estate name [My Estate]:"),
                HasSubstr("[Estates] DefaultEstateName"));
    EXPECT_THAT(describe_console_question("New region name []:"),
                HasSubstr("allow_regionless = true"));
    EXPECT_THAT(describe_console_question("Region Location [1000,1000]:"),
                HasSubstr("region file"));
    EXPECT_THAT(describe_console_question("Anything else [x]:"), HasSubstr("console"));
    EXPECT_TRUE(
        vergegrid::bridge::announces_console_question("Estate My Estate has no owner set."));
    EXPECT_FALSE(vergegrid::bridge::announces_console_question("12:00 - [ESTATE]: owner set"));
}

}  // namespace
