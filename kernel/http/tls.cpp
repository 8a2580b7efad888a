#include "kernel/http/tls.hpp"

#include <Poco/Exception.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <ctime>
#include <fstream>
#include <sstream>

#include "kernel/http/tls_context.hpp"
#include "ssl_runtime/ssl_runtime.hpp"

namespace vergegrid::kernel::http {

namespace {

namespace fs = std::filesystem;
using File = TlsFileError::File;
using ssl_runtime::take_openssl_errors;

constexpr int kExpiryWarningDays = 14;

struct BioFree {
    void operator()(BIO* bio) const { BIO_free(bio); }
};
using BioPtr = std::unique_ptr<BIO, BioFree>;

struct X509Free {
    void operator()(X509* cert) const { X509_free(cert); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

// OpenSSL asks for a passphrase when a key is encrypted; answering with none makes loading fail
// instead of prompting on a terminal nobody watches.
int refuse_passphrase(char*, int, int, void*) {
    return 0;
}

std::string quoted(const fs::path& file) {
    return "'" + file.string() + "'";
}

bool file_contains(const fs::path& file, const std::string& text) {
    std::ifstream in(file);
    std::stringstream content;
    content << in.rdbuf();
    return content.str().find(text) != std::string::npos;
}

std::string take_bio_text(BIO* bio) {
    char* data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    std::string text(data, static_cast<std::size_t>(size > 0 ? size : 0));
    (void)BIO_reset(bio);
    return text;
}

std::string describe(X509* cert) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio) {
        return "(no description: out of memory)";
    }
    X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert), 0, XN_FLAG_RFC2253);
    std::string text = "subject " + take_bio_text(bio.get());
    const int san = X509_get_ext_by_NID(cert, NID_subject_alt_name, -1);
    if (san >= 0 && X509V3_EXT_print(bio.get(), X509_get_ext(cert, san), 0, 0) == 1) {
        text += ", names " + take_bio_text(bio.get());
    } else {
        text += ", no subjectAltName (clients checking host names will refuse it)";
    }
    ASN1_TIME_print(bio.get(), X509_get0_notAfter(cert));
    text += ", valid until " + take_bio_text(bio.get());
    ERR_clear_error();
    return text;
}

std::vector<std::string> validity_warnings(X509* cert, const fs::path& cert_file,
                                           const fs::path& key_file) {
    std::vector<std::string> warnings;
    if (X509_cmp_current_time(X509_get0_notAfter(cert)) < 0) {
        warnings.push_back("the certificate in " + quoted(cert_file) +
                           " has expired: clients will refuse it");
    } else {
        std::time_t soon = std::time(nullptr) + kExpiryWarningDays * 24 * 3600;
        if (X509_cmp_time(X509_get0_notAfter(cert), &soon) < 0) {
            warnings.push_back("the certificate in " + quoted(cert_file) + " expires within " +
                               std::to_string(kExpiryWarningDays) + " days");
        }
    }
    if (X509_cmp_current_time(X509_get0_notBefore(cert)) > 0) {
        warnings.push_back("the certificate in " + quoted(cert_file) +
                           " is not valid yet: clients will refuse it");
    }
    std::error_code error;
    const auto perms = fs::status(key_file, error).permissions();
    if (!error && (perms & (fs::perms::group_read | fs::perms::others_read)) != fs::perms::none) {
        warnings.push_back("the private key " + quoted(key_file) +
                           " is readable by other users; chmod 600 it");
    }
    ERR_clear_error();
    return warnings;
}

void use_certificate(SSL_CTX* ctx, const fs::path& file) {
    if (SSL_CTX_use_certificate_chain_file(ctx, file.c_str()) != 1) {
        throw TlsFileError(File::cert, quoted(file) + " holds no usable PEM certificate (" +
                                           take_openssl_errors() + ")");
    }
}

// Adds every certificate of `file` to the chain sent after the server certificate.
void add_chain(SSL_CTX* ctx, const fs::path& file) {
    BioPtr bio(BIO_new_file(file.c_str(), "r"));
    if (!bio) {
        throw TlsFileError(File::ca,
                           quoted(file) + " cannot be read (" + take_openssl_errors() + ")");
    }
    int count = 0;
    while (X509Ptr cert{PEM_read_bio_X509(bio.get(), nullptr, refuse_passphrase, nullptr)}) {
        if (SSL_CTX_add1_chain_cert(ctx, cert.get()) != 1) {
            throw TlsFileError(File::ca, "cannot add a certificate of " + quoted(file) +
                                             " to the chain (" + take_openssl_errors() + ")");
        }
        ++count;
    }
    // Reading stops with "no start line" at the end of the file; anything else is damage.
    const unsigned long last = ERR_peek_last_error();
    if (count > 0 && ERR_GET_LIB(last) == ERR_LIB_PEM &&
        ERR_GET_REASON(last) == PEM_R_NO_START_LINE) {
        ERR_clear_error();
    } else if (last != 0 || count == 0) {
        throw TlsFileError(File::ca, quoted(file) + " holds no usable PEM certificates (" +
                                         take_openssl_errors("no certificate found") + ")");
    }
}

struct KeyFree {
    void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

void use_private_key(SSL_CTX* ctx, const fs::path& key_file, const fs::path& cert_file) {
    // Read apart from the context first, so that "no key here" and "not this certificate's key"
    // get their own messages.
    BioPtr bio(BIO_new_file(key_file.c_str(), "r"));
    if (!bio) {
        throw TlsFileError(File::key,
                           quoted(key_file) + " cannot be read (" + take_openssl_errors() + ")");
    }
    std::unique_ptr<EVP_PKEY, KeyFree> key(
        PEM_read_bio_PrivateKey(bio.get(), nullptr, refuse_passphrase, nullptr));
    if (!key) {
        const auto reason = take_openssl_errors();
        if (file_contains(key_file, "ENCRYPTED")) {
            throw TlsFileError(File::key, quoted(key_file) +
                                              " is encrypted; give an unencrypted key "
                                              "(openssl pkey -in KEY -out PLAIN_KEY), readable "
                                              "only by the control plane's user");
        }
        throw TlsFileError(File::key,
                           quoted(key_file) + " holds no usable PEM private key (" + reason + ")");
    }
    if (SSL_CTX_use_PrivateKey(ctx, key.get()) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
        throw TlsFileError(File::key, quoted(key_file) +
                                          " is not the private key of the certificate in " +
                                          quoted(cert_file) + " (" + take_openssl_errors() + ")");
    }
}

Poco::Net::Context::Ptr make_context() {
    Poco::Net::Context::Params params;
    params.verificationMode = Poco::Net::Context::VERIFY_NONE;  // no client certificates
    params.loadDefaultCAs = false;
    params.cipherList = ssl_runtime::kTls12Ciphers;
    try {
        Poco::Net::Context::Ptr context =
            new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
        context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
        context->preferServerCiphers();
        return context;
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("cannot set up a TLS server context: " + e.displayText());
    }
}

}  // namespace

TlsServerContext::TlsServerContext(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

TlsServerContext::~TlsServerContext() = default;

const std::string& TlsServerContext::summary() const {
    return impl_->summary;
}

const std::vector<std::string>& TlsServerContext::warnings() const {
    return impl_->warnings;
}

std::shared_ptr<const TlsServerContext> TlsServerContext::load(const TlsFiles& files) {
    ssl_runtime::ensure_initialized();
    auto impl = std::make_unique<Impl>();
    impl->context = make_context();
    SSL_CTX* ctx = impl->context->sslContext();
    ERR_clear_error();
    SSL_CTX_set_default_passwd_cb(ctx, refuse_passphrase);
    use_certificate(ctx, files.cert_file);
    if (files.ca_file) {
        add_chain(ctx, *files.ca_file);
    }
    use_private_key(ctx, files.key_file, files.cert_file);
    X509* cert = SSL_CTX_get0_certificate(ctx);
    impl->summary = describe(cert);
    impl->warnings = validity_warnings(cert, files.cert_file, files.key_file);
    return std::make_shared<const TlsServerContext>(std::move(impl));
}

}  // namespace vergegrid::kernel::http
