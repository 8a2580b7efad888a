// A throwaway PKI for TLS tests, made with the openssl command line in a temporary directory
// that disappears with the object: a CA, a server certificate for 127.0.0.1 and localhost signed
// by it, variants for the failure cases, and a second, unrelated CA.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "tests/support/temp_dir.hpp"

namespace vergegrid::test {

class ThrowawayPki {
  public:
    // About 0.3 s (EC P-256 keys). Throws std::runtime_error with openssl's output when a step
    // fails.
    ThrowawayPki();

    const std::filesystem::path& dir() const { return dir_.path(); }
    std::filesystem::path ca_cert() const { return dir() / "ca.crt"; }
    // A CA that signed nothing the server presents.
    std::filesystem::path other_ca_cert() const { return dir() / "other-ca.crt"; }
    // subjectAltName IP:127.0.0.1, DNS:localhost; signed by ca_cert(); key server_key().
    std::filesystem::path server_cert() const { return dir() / "server.crt"; }
    std::filesystem::path server_key() const { return dir() / "server.key"; }
    // subjectAltName DNS:localhost only (so not valid for 127.0.0.1); signed by ca_cert(); key
    // server_key().
    std::filesystem::path localhost_only_cert() const { return dir() / "localhost-only.crt"; }
    // Same names as server_cert(), signed by other_ca_cert(); key server_key().
    std::filesystem::path foreign_cert() const { return dir() / "foreign.crt"; }
    // server_key() encrypted with the passphrase "secret".
    std::filesystem::path encrypted_key() const { return dir() / "server-encrypted.key"; }
    // A key that belongs to none of the certificates.
    std::filesystem::path unrelated_key() const { return dir() / "unrelated.key"; }

  private:
    void openssl(const std::vector<std::string>& args) const;

    TempDir dir_;
};

}  // namespace vergegrid::test
