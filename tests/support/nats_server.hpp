// A throwaway `nats-server -js` on a loopback port and a cnats reader of one of its JetStream
// streams: for the nats event sink's tests and the event bus's end-to-end tests.
#pragma once

#include <nats/nats.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/child_process.hpp"

namespace vergegrid::test {

// nats-server -js on 127.0.0.1:<port>, its store in `store`; stopped with the object.
class NatsServer {
  public:
    NatsServer(std::uint16_t port, const std::filesystem::path& store);
    ~NatsServer();
    NatsServer(const NatsServer&) = delete;
    NatsServer& operator=(const NatsServer&) = delete;

    void signal(int number) { process_.send_signal(number); }
    // Stops the server (SIGSTOP) and returns once it has stopped: its connections stay open and
    // nothing answers. Throws when it did not stop within 5 s. SIGCONT resumes it.
    void freeze();
    void stop();

  private:
    ChildProcess process_;
    bool stopped_ = false;
};

struct StoredMessage {
    std::string subject;
    std::string data;
    std::string msg_id;  // the Nats-Msg-Id header
};

// The test's own cnats client: reads a stream back through an ephemeral JetStream consumer.
class StreamReader {
  public:
    explicit StreamReader(const std::string& url);
    ~StreamReader();
    StreamReader(const StreamReader&) = delete;
    StreamReader& operator=(const StreamReader&) = delete;

    std::uint64_t message_count(const char* stream);
    // Up to `count` messages of `stream` on `subjects`, oldest first; fewer when none comes for
    // 5 s.
    std::vector<StoredMessage> read(const char* stream, const char* subjects, std::size_t count);

  private:
    natsConnection* connection_ = nullptr;
    jsCtx* js_ = nullptr;
};

}  // namespace vergegrid::test
