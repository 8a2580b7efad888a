// Reading back a JSON document the control plane stored as text (audit before/after, an
// operation's payload and result), for an answer to a client.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace vergegrid::control {

// The document, or null when `text` is empty. Text strict_json refuses (only rows written before
// request bodies were limited can hold such text) is also null: one unreadable row must not
// make a whole list unreadable, nor crash the process when the answer is serialised.
nlohmann::json stored_document_or_null(const std::string& text);

}  // namespace vergegrid::control
