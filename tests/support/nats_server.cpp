#include "tests/support/nats_server.hpp"

#include <chrono>
#include <csignal>
#include <regex>
#include <stdexcept>

namespace vergegrid::test {

namespace {

void check(natsStatus status, const char* what) {
    if (status != NATS_OK) {
        throw std::runtime_error(std::string(what) + ": " + natsStatus_GetText(status));
    }
}

}  // namespace

NatsServer::NatsServer(std::uint16_t port, const std::filesystem::path& store)
    : process_(VERGEGRID_NATS_SERVER,
               {"-js", "-a", "127.0.0.1", "-p", std::to_string(port), "-sd", store.string()}) {
    if (!process_.wait_for_output(std::regex("Server is ready"), std::chrono::seconds(20))) {
        throw std::runtime_error("nats-server did not start: " + process_.output());
    }
}

NatsServer::~NatsServer() {
    signal(SIGCONT);
    stop();
}

void NatsServer::freeze() {
    if (!process_.freeze(std::chrono::seconds(5))) {
        throw std::runtime_error("nats-server did not stop on SIGSTOP within 5 s");
    }
}

void NatsServer::stop() {
    if (!stopped_) {
        process_.send_signal(SIGTERM);
        if (!process_.wait_for_exit(std::chrono::seconds(10))) {
            process_.send_signal(SIGKILL);
            process_.wait_for_exit(std::chrono::seconds(10));
        }
        stopped_ = true;
    }
}

StreamReader::StreamReader(const std::string& url) {
    check(natsConnection_ConnectTo(&connection_, url.c_str()), "connect");
    check(natsConnection_JetStream(&js_, connection_, nullptr), "jetstream");
}

StreamReader::~StreamReader() {
    jsCtx_Destroy(js_);
    natsConnection_Destroy(connection_);
}

std::uint64_t StreamReader::message_count(const char* stream) {
    jsStreamInfo* info = nullptr;
    jsErrCode error{};
    check(js_GetStreamInfo(&info, js_, stream, nullptr, &error), "stream info");
    const auto count = info->State.Msgs;
    jsStreamInfo_Destroy(info);
    return count;
}

std::vector<StoredMessage> StreamReader::read(const char* stream, const char* subjects,
                                              std::size_t count) {
    jsSubOptions options;
    jsSubOptions_Init(&options);
    options.Stream = stream;
    natsSubscription* subscription = nullptr;
    jsErrCode error{};
    check(js_SubscribeSync(&subscription, js_, subjects, nullptr, &options, &error), "subscribe");
    std::vector<StoredMessage> stored;
    while (stored.size() < count) {
        natsMsg* message = nullptr;
        if (natsSubscription_NextMsg(&message, subscription, 5000) != NATS_OK) {
            break;
        }
        StoredMessage one;
        one.subject = natsMsg_GetSubject(message);
        one.data.assign(natsMsg_GetData(message),
                        static_cast<std::size_t>(natsMsg_GetDataLength(message)));
        const char* id = nullptr;
        if (natsMsgHeader_Get(message, "Nats-Msg-Id", &id) == NATS_OK && id != nullptr) {
            one.msg_id = id;
        }
        natsMsg_Ack(message, nullptr);
        natsMsg_Destroy(message);
        stored.push_back(std::move(one));
    }
    natsSubscription_Destroy(subscription);
    return stored;
}

}  // namespace vergegrid::test
