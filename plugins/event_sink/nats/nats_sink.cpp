#include "nats_sink.hpp"

#include <nats/nats.h>

#include <algorithm>
#include <chrono>

#include "nats_subject.hpp"
#include "strict_json/strict_json.hpp"

namespace vergegrid::event_sink {

namespace {

using Clock = std::chrono::steady_clock;

// The library's own words for the failure, with the detail of this thread's last error.
std::string describe(natsStatus status) {
    natsStatus last = NATS_OK;
    const char* last_error = nats_GetLastError(&last);
    std::string text = natsStatus_GetText(status);
    std::string detail = last_error == nullptr ? "" : last_error;
    // The library puts where it failed first: "(conn.c:2088): No server available ...".
    if (!detail.empty() && detail.front() == '(') {
        if (const auto end = detail.find("): "); end != std::string::npos) {
            detail.erase(0, end + 3);
        }
    }
    if (!detail.empty() && detail != text) {
        text += ": " + detail;
    }
    return text;
}

std::int64_t left_ms(Clock::time_point end) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(end - Clock::now()).count();
}

int elapsed_ms(Clock::time_point start) {
    return static_cast<int>(
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
}

}  // namespace

NatsSink::NatsSink(NatsSettings settings) : settings_(std::move(settings)) {}

NatsSink::~NatsSink() {
    disconnect();
}

std::string NatsSink::check_target(const std::string& target) {
    if (target.empty()) {
        return "{}";
    }
    try {
        const auto parsed = strict_json::parse(target);
        if (parsed.is_object() && parsed.empty()) {
            return "{}";
        }
    } catch (const strict_json::Refused&) {
    }
    throw plugin_api::TargetError(
        "target", "the nats sink takes no target settings (they come from [event_sink.nats])");
}

void NatsSink::disconnect() {
    if (jetstream_ != nullptr) {
        jsCtx_Destroy(jetstream_);
        jetstream_ = nullptr;
    }
    if (connection_ != nullptr) {
        natsConnection_Destroy(connection_);
        connection_ = nullptr;
    }
}

std::string NatsSink::connect(std::chrono::steady_clock::time_point end) {
    if (connection_ != nullptr &&
        natsConnection_Status(connection_) == NATS_CONN_STATUS_CONNECTED) {
        return {};
    }
    disconnect();
    // Each step waits at most the publish timeout and never past the delivery's deadline.
    const auto step_ms = [&] { return std::min(settings_.publish_timeout_ms, left_ms(end)); };
    if (step_ms() <= 0) {
        return "timed out before connecting";
    }
    natsOptions* options = nullptr;
    natsStatus status = natsOptions_Create(&options);
    if (status == NATS_OK) {
        status = natsOptions_SetURL(options, settings_.url.c_str());
    }
    if (status == NATS_OK) {
        status = natsOptions_SetTimeout(options, step_ms());
    }
    // The next delivery connects afresh instead: a library reconnecting in the background would
    // buffer a publish and send it after its own timeout was reported as a failure.
    if (status == NATS_OK) {
        status = natsOptions_SetAllowReconnect(options, false);
    }
    if (status == NATS_OK && settings_.credentials_file) {
        status = natsOptions_SetUserCredentialsFromFiles(
            options, settings_.credentials_file->c_str(), nullptr);
    }
    if (status == NATS_OK) {
        status = natsConnection_Connect(&connection_, options);
    }
    natsOptions_Destroy(options);
    if (status != NATS_OK) {
        std::string error = "connect to " + settings_.url + ": " + describe(status);
        disconnect();
        return error;
    }
    status = natsConnection_JetStream(&jetstream_, connection_, nullptr);
    if (status != NATS_OK) {
        std::string error = "JetStream: " + describe(status);
        disconnect();
        return error;
    }
    jsOptions js_options;
    jsOptions_Init(&js_options);
    js_options.Wait = std::max<std::int64_t>(step_ms(), 1);
    jsStreamInfo* info = nullptr;
    jsErrCode js_error = static_cast<jsErrCode>(0);
    status = js_GetStreamInfo(&info, jetstream_, settings_.stream.c_str(), &js_options, &js_error);
    if (status == NATS_NOT_FOUND && settings_.create_stream) {
        const std::string all = settings_.subject_prefix + ".>";
        const char* subjects[] = {all.c_str()};
        jsStreamConfig config;
        jsStreamConfig_Init(&config);
        config.Name = settings_.stream.c_str();
        config.Subjects = subjects;
        config.SubjectsLen = 1;
        config.Storage = js_FileStorage;
        js_options.Wait = std::max<std::int64_t>(step_ms(), 1);
        status = js_AddStream(&info, jetstream_, &config, &js_options, &js_error);
        if (status != NATS_OK) {
            std::string error = "create stream " + settings_.stream + ": " + describe(status);
            disconnect();
            return error;
        }
    } else if (status == NATS_NOT_FOUND) {
        disconnect();
        return "stream " + settings_.stream + " does not exist (create_stream is false)";
    } else if (status != NATS_OK) {
        std::string error = "stream " + settings_.stream + ": " + describe(status);
        disconnect();
        return error;
    }
    jsStreamInfo_Destroy(info);
    return {};
}

std::vector<plugin_api::SinkAttempt> NatsSink::deliver(
    const plugin_api::SinkTarget& target, const std::vector<plugin_api::OutboxEvent>& events) {
    std::vector<plugin_api::SinkAttempt> attempts;
    std::lock_guard lock(mutex_);
    const std::int64_t deadline_ms = std::max<std::int64_t>(target.deadline_ms, 1);
    for (const auto& event : events) {
        const auto start = Clock::now();
        const auto end = start + std::chrono::milliseconds(deadline_ms);
        plugin_api::SinkAttempt attempt;
        attempt.error = connect(end);
        const auto left = std::min(settings_.publish_timeout_ms, left_ms(end));
        if (attempt.error.empty() && left <= 0) {
            attempt.error = "timed out after " + std::to_string(deadline_ms) + " ms";
        } else if (attempt.error.empty()) {
            const auto subject = nats_subject(settings_.subject_prefix, event.type, event.subject);
            jsPubOptions options;
            jsPubOptions_Init(&options);
            options.MsgId = event.id.c_str();
            options.ExpectStream = settings_.stream.c_str();
            options.MaxWait = left;
            jsPubAck* ack = nullptr;
            jsErrCode js_error = static_cast<jsErrCode>(0);
            const natsStatus status =
                js_Publish(&ack, jetstream_, subject.c_str(), event.document.data(),
                           static_cast<int>(event.document.size()), &options, &js_error);
            jsPubAck_Destroy(ack);
            if (status == NATS_OK) {
                attempt.delivered = true;
            } else {
                attempt.error = "publish to " + subject + ": " + describe(status);
                disconnect();  // whatever went wrong, the next attempt starts on a fresh link
            }
        }
        attempt.duration_ms = elapsed_ms(start);
        const bool delivered = attempt.delivered;
        attempts.push_back(std::move(attempt));
        if (!delivered) {
            break;
        }
    }
    return attempts;
}

}  // namespace vergegrid::event_sink
