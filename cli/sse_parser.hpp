// Server-Sent Events as the HTML standard's "event stream interpretation" reads them: lines end in
// CRLF, LF or CR (also split across chunks); `field: value` or `field:value` or a bare field name;
// lines starting with ':' are comments; data lines join with '\n'; a blank line dispatches. A
// message without data dispatches nothing but its `id` still counts (the server may send an
// id-only message to say where a stream starts). Bytes are fed as they arrive.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace vergegrid::cli {

struct SseEvent {
    std::string id;  // the last event id in force when it was dispatched (may be empty)
    std::string type = "message";
    std::string data;
};

class SseParser {
  public:
    using Handler = std::function<void(const SseEvent&)>;

    // A line longer than `max_line_bytes`, or data longer than it in total, throws
    // std::length_error: a stream that never ends a line cannot fill the memory.
    explicit SseParser(Handler on_event, std::size_t max_line_bytes = 16 * 1024 * 1024);

    void feed(std::string_view bytes);
    // The last event id a previous connection ended with (the standard keeps it across
    // reconnects): events that carry no id of their own get it.
    void resume_from(std::string id) {
        id_buffer_ = id;
        last_event_id_ = std::move(id);
    }

    // The id a reconnect sends as Last-Event-ID; empty until the stream sets one. It moves when
    // a message ends (its blank line), never in the middle of one: a connection lost after
    // "id: 5" but before event 5 is whole resumes from the event before.
    const std::string& last_event_id() const { return last_event_id_; }
    // The latest valid `retry:` in milliseconds, if any.
    std::optional<long long> retry_ms() const { return retry_ms_; }
    // Comment lines seen (": keep-alive"); tells a live but quiet stream from a silent one.
    std::size_t comments() const { return comments_; }

  private:
    void line(std::string_view text);
    void field(std::string_view name, std::string_view value);
    void dispatch();

    Handler on_event_;
    std::size_t max_line_bytes_;
    std::string pending_;  // the unfinished line
    bool after_cr_ = false;
    bool seen_first_ = false;  // a leading byte order mark is dropped once
    std::string data_;
    std::string type_;
    bool has_data_ = false;
    std::string id_buffer_;  // the id of the message being read
    std::string last_event_id_;
    std::optional<long long> retry_ms_;
    std::size_t comments_ = 0;
};

}  // namespace vergegrid::cli
