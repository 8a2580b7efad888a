// libFuzzer target: an HTTP request head as vergegrid-control's server reads it
// (Poco::Net::HTTPRequest::read on the connection's stream). Invariant: only Poco::Exception
// escapes (the server answers 400 for it).
#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::istringstream stream(std::string(reinterpret_cast<const char*>(data), size));
    Poco::Net::HTTPRequest request;
    try {
        request.read(stream);
    } catch (const Poco::Exception&) {
        return 0;
    }
    // Walk what the server looks at afterwards.
    (void)request.getMethod();
    (void)request.getURI();
    (void)request.getVersion();
    for (const auto& [name, value] : request) {
        (void)name.size();
        (void)value.size();
    }
    // MERGE: kernel/http/request_head.hpp (another branch) adds
    //   check_request_head(const Poco::Net::HTTPRequest&);
    // the lead calls it here at merge, catching only the exception it documents:
    //   try { vergegrid::kernel::http::check_request_head(request); } catch (const ...&) {}
    return 0;
}
