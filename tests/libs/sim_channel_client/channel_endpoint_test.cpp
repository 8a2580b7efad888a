// Control plane URLs and the transport policy: https anywhere, plain http to loopback only
// unless explicitly allowed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "sim_channel_client/channel_client.hpp"
#include "sim_channel_client/channel_endpoint.hpp"

namespace {

using ::testing::HasSubstr;
using vergegrid::sim_channel::ChannelClient;
using vergegrid::sim_channel::ChannelClientSettings;
using vergegrid::sim_channel::ChannelConfigError;
using vergegrid::sim_channel::ChannelEndpoint;
using vergegrid::sim_channel::check_transport_policy;
using vergegrid::sim_channel::InsecureChannelError;
using vergegrid::sim_channel::Scheme;

std::string parse_error(const std::string& url) {
    try {
        ChannelEndpoint::parse(url);
    } catch (const ChannelConfigError& e) {
        return e.what();
    }
    return "(parsed)";
}

TEST(ChannelEndpoint, ParsesSchemeHostAndPort) {
    const auto e = ChannelEndpoint::parse("https://grid.example.org:9800");
    EXPECT_EQ(e.scheme, Scheme::https);
    EXPECT_EQ(e.host, "grid.example.org");
    EXPECT_EQ(e.port, 9800);
    EXPECT_EQ(e.url(), "https://grid.example.org:9800");

    const auto plain = ChannelEndpoint::parse("HTTP://10.0.0.5:9800/");
    EXPECT_EQ(plain.scheme, Scheme::http);
    EXPECT_EQ(plain.host, "10.0.0.5");
    EXPECT_EQ(plain.url(), "http://10.0.0.5:9800");
}

TEST(ChannelEndpoint, PortsDefaultTo443And80) {
    EXPECT_EQ(ChannelEndpoint::parse("https://grid.example.org").port, 443);
    EXPECT_EQ(ChannelEndpoint::parse("http://grid.example.org/").port, 80);
}

TEST(ChannelEndpoint, Ipv6AddressesGoInBrackets) {
    const auto e = ChannelEndpoint::parse("https://[::1]:9800");
    EXPECT_EQ(e.host, "::1");
    EXPECT_EQ(e.port, 9800);
    EXPECT_EQ(e.url(), "https://[::1]:9800");
    EXPECT_EQ(ChannelEndpoint::parse("http://[2001:db8::7]").port, 80);
}

TEST(ChannelEndpoint, MalformedUrlsAreRefusedNamingTheUrl) {
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"grid.example.org:9800", "is not an http:// or https:// URL"},
        {"ftp://grid.example.org", "only http and https"},
        {"https://", "has no host"},
        {"https://:9800", "has no host"},
        {"https://grid.example.org:0", "not 1-65535"},
        {"https://grid.example.org:65536", "not 1-65535"},
        {"https://grid.example.org:98a0", "not 1-65535"},
        {"https://grid.example.org:", "empty port"},
        {"https://grid.example.org/api", "has a path, query or fragment"},
        {"https://grid.example.org?x=1", "has a path, query or fragment"},
        {"https://user:pw@grid.example.org", "has user info"},
        {"https://::1:9800", "IPv6 goes in brackets"},
        {"https://[::1", "unclosed '['"},
        {"https://[grid.example.org]:9800", "not an IPv6 address"},
        {"https://grid example.org", "not a host name"},
    };
    for (const auto& [url, why] : cases) {
        const auto message = parse_error(url);
        EXPECT_THAT(message, HasSubstr("'" + url + "'")) << url;
        EXPECT_THAT(message, HasSubstr(why)) << url;
    }
}

TEST(ChannelEndpoint, LoopbackIsLocalhost127SlashEightAndColonColonOne) {
    for (const auto* url :
         {"http://localhost", "http://LocalHost:9800", "http://127.0.0.1", "http://127.4.5.6:9800",
          "http://[::1]:9800", "http://[::ffff:127.0.0.1]"}) {
        EXPECT_TRUE(ChannelEndpoint::parse(url).is_loopback()) << url;
    }
    for (const auto* url :
         {"http://10.0.0.5", "http://grid.example.org", "http://0.0.0.0", "http://[::2]",
          "http://localhost.example.org", "http://[::ffff:10.0.0.5]"}) {
        EXPECT_FALSE(ChannelEndpoint::parse(url).is_loopback()) << url;
    }
}

TEST(TransportPolicy, RefusesPlainHttpToANetworkHostNamingTheUrl) {
    const auto endpoint = ChannelEndpoint::parse("http://10.0.0.5:9800");
    try {
        check_transport_policy(endpoint, false);
        FAIL() << "plain http to 10.0.0.5 was accepted";
    } catch (const InsecureChannelError& e) {
        EXPECT_THAT(e.what(), HasSubstr("refusing plain http to http://10.0.0.5:9800"));
        EXPECT_THAT(e.what(), HasSubstr("allow_insecure_http"));
    }
    EXPECT_NO_THROW(check_transport_policy(endpoint, true));
}

TEST(TransportPolicy, AcceptsPlainHttpToLoopbackAndHttpsAnywhere) {
    for (const auto* url : {"http://127.0.0.1:9800", "http://localhost:9800", "http://[::1]:9800",
                            "https://10.0.0.5:9800", "https://grid.example.org"}) {
        EXPECT_NO_THROW(check_transport_policy(ChannelEndpoint::parse(url), false)) << url;
    }
}

TEST(TransportPolicy, TheClientAppliesIt) {
    ChannelClientSettings settings;
    settings.endpoint = ChannelEndpoint::parse("http://10.0.0.5:9800");
    EXPECT_THROW(ChannelClient{settings}, InsecureChannelError);
    settings.allow_insecure_http = true;
    EXPECT_NO_THROW(ChannelClient{settings});  // nothing is connected until a request
}

TEST(ChannelClientSettings, HttpsNeedsAnExistingCaFileWithCertificates) {
    ChannelClientSettings settings;
    settings.endpoint = ChannelEndpoint::parse("https://127.0.0.1:9800");
    try {
        ChannelClient client(settings);
        FAIL() << "https without a CA file was accepted";
    } catch (const ChannelConfigError& e) {
        EXPECT_THAT(e.what(), HasSubstr("https://127.0.0.1:9800 is https but no CA file"));
    }
    settings.ca_file = "/nonexistent/ca.crt";
    try {
        ChannelClient client(settings);
        FAIL() << "a missing CA file was accepted";
    } catch (const ChannelConfigError& e) {
        EXPECT_THAT(e.what(), HasSubstr("'/nonexistent/ca.crt'"));
        EXPECT_THAT(e.what(), HasSubstr("does not exist"));
    }
    settings.ca_file = "/dev/null";
    EXPECT_THROW(ChannelClient{settings}, ChannelConfigError);
}

}  // namespace
