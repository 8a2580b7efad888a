// TlsServerContext's insides, for the server's own sources only: keeps Poco NetSSL and OpenSSL
// out of tls.hpp and server.hpp.
#pragma once

#include <Poco/Net/Context.h>

#include <string>
#include <vector>

#include "kernel/http/tls.hpp"

namespace vergegrid::kernel::http {

struct TlsServerContext::Impl {
    Poco::Net::Context::Ptr context;
    std::string summary;
    std::vector<std::string> warnings;
};

}  // namespace vergegrid::kernel::http
