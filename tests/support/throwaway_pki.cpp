#include "tests/support/throwaway_pki.hpp"

#include <chrono>
#include <fstream>
#include <stdexcept>

#include "tests/support/child_process.hpp"

namespace vergegrid::test {

namespace {

// Certificate profiles; `openssl req` needs a [req] section even when -subj gives the name.
constexpr const char* kOpensslConfig = R"(
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = IP:127.0.0.1, DNS:localhost
[localhost_only]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = DNS:localhost
)";

}  // namespace

ThrowawayPki::ThrowawayPki() {
    const auto config = (dir() / "pki.cnf").string();
    std::ofstream(config) << kOpensslConfig;
    const std::vector<std::string> ec_key = {"-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                                             "-nodes"};
    const auto path = [&](const char* name) { return (dir() / name).string(); };

    auto make_ca = [&](const char* cert, const char* key, const char* name) {
        std::vector<std::string> args = {"req", "-x509", "-config", config, "-extensions", "ca"};
        args.insert(args.end(), ec_key.begin(), ec_key.end());
        args.insert(args.end(), {"-keyout", path(key), "-out", path(cert), "-days", "30", "-subj",
                                 std::string("/CN=") + name});
        openssl(args);
    };
    make_ca("ca.crt", "ca.key", "VergeGrid Test CA");
    make_ca("other-ca.crt", "other-ca.key", "Unrelated Test CA");

    std::vector<std::string> request = {"req", "-new", "-config", config};
    request.insert(request.end(), ec_key.begin(), ec_key.end());
    request.insert(request.end(), {"-keyout", path("server.key"), "-out", path("server.csr"),
                                   "-subj", "/CN=localhost"});
    openssl(request);

    auto sign = [&](const char* cert, const char* ca, const char* ca_key, const char* profile) {
        openssl({"x509", "-req", "-in", path("server.csr"), "-CA", path(ca), "-CAkey", path(ca_key),
                 "-CAcreateserial", "-out", path(cert), "-days", "30", "-extfile", config,
                 "-extensions", profile});
    };
    sign("server.crt", "ca.crt", "ca.key", "server");
    sign("localhost-only.crt", "ca.crt", "ca.key", "localhost_only");
    sign("foreign.crt", "other-ca.crt", "other-ca.key", "server");

    openssl({"pkey", "-in", path("server.key"), "-out", path("server-encrypted.key"), "-aes256",
             "-passout", "pass:secret"});
    openssl({"genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out",
             path("unrelated.key")});
    for (const char* key :
         {"ca.key", "other-ca.key", "server.key", "server-encrypted.key", "unrelated.key"}) {
        std::filesystem::permissions(
            dir() / key, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    }
}

void ThrowawayPki::openssl(const std::vector<std::string>& args) const {
    ChildProcess run(VERGEGRID_OPENSSL_CLI, args);
    const auto status = run.wait_for_exit(std::chrono::seconds(30));
    if (status != 0) {
        std::string command = "openssl";
        for (const auto& arg : args) {
            command += " " + arg;
        }
        throw std::runtime_error(command + " failed (status " +
                                 (status ? std::to_string(*status) : "none: still running") +
                                 "):\n" + run.output());
    }
}

}  // namespace vergegrid::test
