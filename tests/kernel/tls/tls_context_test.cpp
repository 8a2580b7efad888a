// Loading the server's certificate, key and chain: what is accepted, and how each bad file is
// reported.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "kernel/http/tls.hpp"
#include "tests/support/throwaway_pki.hpp"

namespace {

namespace http = vergegrid::kernel::http;
using ::testing::AllOf;
using ::testing::HasSubstr;
using File = http::TlsFileError::File;

class TlsServerContext : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { pki_ = new vergegrid::test::ThrowawayPki(); }
    static void TearDownTestSuite() {
        delete pki_;
        pki_ = nullptr;
    }

    // The error load() gives for these files; fails the test when it gives none.
    static http::TlsFileError error_for(const http::TlsFiles& files) {
        try {
            http::TlsServerContext::load(files);
        } catch (const http::TlsFileError& e) {
            return e;
        }
        ADD_FAILURE() << "no TlsFileError";
        return http::TlsFileError(File::cert, "");
    }

    static const vergegrid::test::ThrowawayPki& pki() { return *pki_; }
    static vergegrid::test::ThrowawayPki* pki_;
};

vergegrid::test::ThrowawayPki* TlsServerContext::pki_ = nullptr;

TEST_F(TlsServerContext, LoadsACertificateAndItsKeyAndDescribesThem) {
    const auto context =
        http::TlsServerContext::load({pki().server_cert(), pki().server_key(), std::nullopt});
    EXPECT_THAT(context->summary(), AllOf(HasSubstr("CN=localhost"), HasSubstr("127.0.0.1"),
                                          HasSubstr("DNS:localhost"), HasSubstr("valid until")));
    EXPECT_TRUE(context->warnings().empty()) << context->warnings().front();
}

TEST_F(TlsServerContext, AcceptsAChainFile) {
    EXPECT_NO_THROW(
        http::TlsServerContext::load({pki().server_cert(), pki().server_key(), pki().ca_cert()}));
}

TEST_F(TlsServerContext, AKeyOfAnotherCertificateIsAKeyError) {
    const auto error = error_for({pki().server_cert(), pki().unrelated_key(), std::nullopt});
    EXPECT_EQ(error.file(), File::key);
    EXPECT_THAT(error.what(), HasSubstr("is not the private key of the certificate in '" +
                                        pki().server_cert().string() + "'"));
}

TEST_F(TlsServerContext, AnEncryptedKeyIsRefusedWithoutAskingForAPassphrase) {
    const auto error = error_for({pki().server_cert(), pki().encrypted_key(), std::nullopt});
    EXPECT_EQ(error.file(), File::key);
    EXPECT_THAT(error.what(), HasSubstr("is encrypted"));
}

TEST_F(TlsServerContext, ACertificateFileWithoutACertificateIsACertError) {
    const auto error = error_for({pki().server_key(), pki().server_key(), std::nullopt});
    EXPECT_EQ(error.file(), File::cert);
    EXPECT_THAT(error.what(), HasSubstr("holds no usable PEM certificate"));
}

TEST_F(TlsServerContext, AKeyFileWithoutAKeyIsAKeyError) {
    const auto error = error_for({pki().server_cert(), pki().server_cert(), std::nullopt});
    EXPECT_EQ(error.file(), File::key);
    EXPECT_THAT(error.what(), HasSubstr("holds no usable PEM private key"));
}

TEST_F(TlsServerContext, AChainFileWithoutCertificatesIsACaError) {
    const auto not_pem = pki().dir() / "chain.txt";
    std::ofstream(not_pem) << "not a certificate\n";
    const auto error = error_for({pki().server_cert(), pki().server_key(), not_pem});
    EXPECT_EQ(error.file(), File::ca);
    EXPECT_THAT(error.what(), HasSubstr("holds no usable PEM certificates"));
}

}  // namespace
