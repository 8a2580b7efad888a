// The server side of TLS: the certificate, its private key and the chain sent with it, loaded and
// checked once at start-up and shared by every connection of a Server.
#pragma once

#include <filesystem>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace vergegrid::kernel::http {

struct TlsFiles {
    std::filesystem::path cert_file;  // PEM: the server certificate, intermediates may follow it
    std::filesystem::path key_file;   // PEM: its private key, not encrypted
    std::optional<std::filesystem::path> ca_file;  // PEM: intermediates sent after the certificate
};

// A certificate, key or chain file that cannot be used; file() says which one.
class TlsFileError : public std::runtime_error {
  public:
    enum class File { cert, key, ca };
    TlsFileError(File file, const std::string& message)
        : std::runtime_error(message), file_(file) {}
    File file() const noexcept { return file_; }

  private:
    File file_;
};

// TLS 1.2 or later, forward-secret AEAD cipher suites only, no client certificates.
class TlsServerContext {
  public:
    struct Impl;

    // Reads and checks the files: PEM syntax, the key belongs to the certificate, the chain file
    // holds certificates. An encrypted key is refused (nobody could type its passphrase).
    // Throws TlsFileError.
    static std::shared_ptr<const TlsServerContext> load(const TlsFiles& files);

    explicit TlsServerContext(std::unique_ptr<Impl> impl);
    ~TlsServerContext();
    TlsServerContext(const TlsServerContext&) = delete;
    TlsServerContext& operator=(const TlsServerContext&) = delete;

    // For the start-up log: "subject CN=localhost, names DNS:localhost, IP:127.0.0.1, valid until
    // Nov 27 10:00:00 2027 GMT".
    const std::string& summary() const;
    // Worth a warning at start-up: the certificate expired, is not valid yet, or expires soon.
    const std::vector<std::string>& warnings() const;

    const Impl& impl() const { return *impl_; }

  private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace vergegrid::kernel::http
