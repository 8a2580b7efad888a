// Poco NetSSL wants Poco::Net::initializeSSL() before its first use and uninitializeSSL() once at
// the end. Every user calls ensure_initialized() before touching NetSSL; the first call
// initialises, later ones (from any thread) return at once, and the process's static destructors
// uninitialise after main() returns.
#pragma once

#include <Poco/Net/Context.h>

#include <filesystem>
#include <optional>
#include <string>

namespace vergegrid::ssl_runtime {

void ensure_initialized();

// Empties this thread's OpenSSL error queue and returns its reasons ("no start line; ..."), or
// `fallback` when it was empty.
std::string take_openssl_errors(const std::string& fallback = "unknown OpenSSL error");

// Empties this thread's OpenSSL error queue. Poco builds its exception messages from that queue:
// an error left over from an earlier, unrelated call would be reported as the cause of the next.
void clear_openssl_errors();

// What both ends of the channel accept for TLS 1.2: forward-secret AEAD suites only (Mozilla's
// "intermediate" list without finite-field DHE). TLS 1.3 keeps OpenSSL's defaults, all of them
// AEAD. Older protocol versions are refused on both ends.
inline constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";

// A TLS client context that checks strictly: the peer's chain must lead to a CA of `ca_file`
// (the system's CA store when unset) and its certificate must name the host; TLS 1.2 with
// kTls12Ciphers at the least. The one client set-up for every TLS peer we call.
Poco::Net::Context::Ptr strict_client_context(const std::optional<std::filesystem::path>& ca_file);

}  // namespace vergegrid::ssl_runtime
