// The tls.* configuration keys: both files or neither, files that exist, by name and origin.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "config_sources/config_error.hpp"
#include "kernel/config/settings.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

namespace cfg = vergegrid::kernel::config;
namespace fs = std::filesystem;
using ::testing::HasSubstr;
using vergegrid::test::TempDir;

vergegrid::config_sources::EnvLookup env_of(std::map<std::string, std::string> vars) {
    return [vars](const std::string& name) -> std::optional<std::string> {
        auto it = vars.find(name);
        return it == vars.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
}

// Settings only check that the files are there: any content will do.
class TlsSettings : public ::testing::Test {
  protected:
    TlsSettings() {
        for (const auto& file : {cert_, key_, ca_}) {
            std::ofstream(file) << "placeholder\n";
        }
    }

    std::string message_for(const vergegrid::config_sources::ConfigError& error,
                            const std::string& key) const {
        for (const auto& issue : error.issues()) {
            if (issue.key == key) {
                return issue.message;
            }
        }
        return "(no issue for " + key + " in: " + error.what() + ")";
    }

    // The message load_settings() gives for `key`, or a note that it did not throw.
    std::string issue_for(const std::string& key, const std::map<std::string, std::string>& env,
                          const cfg::CommandLine& flags = {}) const {
        try {
            cfg::load_settings(flags, env_of(env));
        } catch (const vergegrid::config_sources::ConfigError& e) {
            return message_for(e, key);
        }
        return "(no ConfigError)";
    }

    TempDir dir_;
    fs::path cert_ = dir_.path() / "server.crt";
    fs::path key_ = dir_.path() / "server.key";
    fs::path ca_ = dir_.path() / "chain.pem";
};

TEST_F(TlsSettings, OffByDefault) {
    const auto settings = cfg::load_settings({}, env_of({}));
    EXPECT_FALSE(settings.tls.enabled());
    EXPECT_FALSE(settings.tls.key_file);
    EXPECT_FALSE(settings.tls.ca_file);
}

TEST_F(TlsSettings, CertificateAndKeyFromTheEnvironment) {
    const auto settings =
        cfg::load_settings({}, env_of({{"VERGEGRID_TLS_CERT_FILE", cert_.string()},
                                       {"VERGEGRID_TLS_KEY_FILE", key_.string()},
                                       {"VERGEGRID_TLS_CA_FILE", ca_.string()}}));
    ASSERT_TRUE(settings.tls.enabled());
    EXPECT_EQ(*settings.tls.cert_file, cert_);
    EXPECT_EQ(*settings.tls.key_file, key_);
    EXPECT_EQ(*settings.tls.ca_file, ca_);
}

TEST_F(TlsSettings, CertificateAndKeyFromTheTlsSectionOfTheFile) {
    const auto ini = dir_.path() / "control.ini";
    std::ofstream(ini) << "[tls]\ncert_file = " << cert_.string()
                       << "\nkey_file = " << key_.string() << "\n";
    const auto settings = cfg::load_settings(cfg::CommandLine{ini, {}, {}, {}}, env_of({}));
    ASSERT_TRUE(settings.tls.enabled());
    EXPECT_EQ(*settings.tls.key_file, key_);
}

TEST_F(TlsSettings, CertificateWithoutKeyNamesTheMissingKey) {
    EXPECT_THAT(issue_for("tls.key_file", {{"VERGEGRID_TLS_CERT_FILE", cert_.string()}}),
                HasSubstr("must be set when tls.cert_file is (from env VERGEGRID_TLS_CERT_FILE)"));
}

TEST_F(TlsSettings, KeyWithoutCertificateNamesTheMissingCertificate) {
    EXPECT_THAT(issue_for("tls.cert_file", {{"VERGEGRID_TLS_KEY_FILE", key_.string()}}),
                HasSubstr("must be set when tls.key_file is"));
}

TEST_F(TlsSettings, ChainWithoutCertificateAndKeyIsRefused) {
    EXPECT_THAT(issue_for("tls.ca_file", {{"VERGEGRID_TLS_CA_FILE", ca_.string()}}),
                HasSubstr("only used with tls.cert_file and tls.key_file"));
}

TEST_F(TlsSettings, MissingFilesDirectoriesAndEmptyValuesAreNamed) {
    const auto missing = (dir_.path() / "nope.key").string();
    EXPECT_THAT(issue_for("tls.key_file", {{"VERGEGRID_TLS_CERT_FILE", cert_.string()},
                                           {"VERGEGRID_TLS_KEY_FILE", missing}}),
                HasSubstr("'" + missing + "' does not exist (from env VERGEGRID_TLS_KEY_FILE)"));
    EXPECT_THAT(issue_for("tls.cert_file", {{"VERGEGRID_TLS_CERT_FILE", dir_.path().string()},
                                            {"VERGEGRID_TLS_KEY_FILE", key_.string()}}),
                HasSubstr("is a directory"));
    EXPECT_THAT(issue_for("tls.cert_file", {{"VERGEGRID_TLS_CERT_FILE", ""},
                                            {"VERGEGRID_TLS_KEY_FILE", key_.string()}}),
                HasSubstr("must not be empty"));
}

TEST_F(TlsSettings, UnknownKeysInTheTlsSectionAreRefused) {
    const auto ini = dir_.path() / "control.ini";
    std::ofstream(ini) << "[tls]\ncertificate = " << cert_.string() << "\n";
    EXPECT_THAT(issue_for("tls.certificate", {}, cfg::CommandLine{ini, {}, {}, {}}),
                HasSubstr("unknown key"));
}

}  // namespace
