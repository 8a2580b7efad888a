#include "ssl_runtime/ssl_runtime.hpp"

#include <Poco/Net/NetSSL.h>
#include <Poco/Net/SSLManager.h>
#include <openssl/err.h>

namespace vergegrid::ssl_runtime {

namespace {

class Runtime {
  public:
    Runtime() {
        Poco::Net::initializeSSL();
        // Constructs NetSSL's singleton now, before this object is complete, so that it is
        // destroyed after it: ~Runtime() still finds it alive.
        Poco::Net::SSLManager::instance();
    }
    ~Runtime() { Poco::Net::uninitializeSSL(); }
    Runtime(const Runtime&) = delete;
    Runtime& operator=(const Runtime&) = delete;
};

}  // namespace

void ensure_initialized() {
    // A function-local static: initialised exactly once even when threads race here.
    static const Runtime runtime;
}

std::string take_openssl_errors(const std::string& fallback) {
    std::string text;
    while (const unsigned long code = ERR_get_error()) {
        const char* reason = ERR_reason_error_string(code);
        std::string item;
        if (reason != nullptr) {
            item = reason;
        } else {
            char buffer[256];
            ERR_error_string_n(code, buffer, sizeof buffer);
            item = buffer;
        }
        if (text.find(item) == std::string::npos) {
            text += (text.empty() ? "" : "; ") + item;
        }
    }
    return text.empty() ? fallback : text;
}

void clear_openssl_errors() {
    ERR_clear_error();
}

Poco::Net::Context::Ptr strict_client_context(const std::optional<std::filesystem::path>& ca_file) {
    ensure_initialized();
    Poco::Net::Context::Params params;
    params.loadDefaultCAs = !ca_file;
    if (ca_file) {
        params.caLocation = ca_file->string();
    }
    params.verificationMode = Poco::Net::Context::VERIFY_STRICT;
    params.cipherList = kTls12Ciphers;
    Poco::Net::Context::Ptr context =
        new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    context->enableExtendedCertificateVerification(true);
    return context;
}

}  // namespace vergegrid::ssl_runtime
