// The messages both programs send systemd, received on a socket the test owns.
#include "service_notify/service_notify.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include "tests/support/notify_socket.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace notify = vergegrid::service_notify;
using vergegrid::test::NotifySocket;
using vergegrid::test::TempDir;
using namespace std::chrono_literals;

class ServiceNotify : public ::testing::Test {
  protected:
    void SetUp() override { ::setenv("NOTIFY_SOCKET", socket_.path().c_str(), 1); }
    void TearDown() override { ::unsetenv("NOTIFY_SOCKET"); }

    TempDir dir_;
    NotifySocket socket_{dir_.path()};
};

TEST_F(ServiceNotify, ReadySendsReadyAndTheStatus) {
    EXPECT_TRUE(notify::notify_ready("listening on http://127.0.0.1:9800"));
    EXPECT_EQ(socket_.receive(5s), "READY=1\nSTATUS=listening on http://127.0.0.1:9800");
}

TEST_F(ServiceNotify, StoppingSendsStoppingAndTheStatus) {
    EXPECT_TRUE(notify::notify_stopping("draining"));
    EXPECT_EQ(socket_.receive(5s), "STOPPING=1\nSTATUS=draining");
}

TEST_F(ServiceNotify, AStatusIsOneLineSoItCannotAddAnAssignment) {
    EXPECT_TRUE(notify::notify_status("first\nREADY=1"));
    EXPECT_EQ(socket_.receive(5s), "STATUS=first READY=1");
}

TEST_F(ServiceNotify, WithoutNotifySocketNothingIsSent) {
    ::unsetenv("NOTIFY_SOCKET");
    EXPECT_FALSE(notify::notify_ready("ready"));
    EXPECT_FALSE(notify::notify_stopping("stopping"));
    EXPECT_EQ(socket_.receive(200ms), std::nullopt);
}

}  // namespace
