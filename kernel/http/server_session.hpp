// Poco's server session, opened up where Poco keeps what a fast server needs protected: how many
// bytes it buffered past the request head, and reads of any size. Poco's own body streams go
// through a 4 KiB buffer (one recv per 4 KiB, HTTPBufferAllocator::BUFFER_SIZE); a body read
// through read() below takes Poco's buffered bytes first, then the socket's in as large pieces as
// the caller asks for.
#pragma once

#include <Poco/Net/HTTPServerSession.h>

namespace vergegrid::kernel::http {

class ParkableSession final : public Poco::Net::HTTPServerSession {
  public:
    using Poco::Net::HTTPServerSession::HTTPServerSession;
    // Bytes Poco read from the socket and has not handed out: a next request's, or a body's.
    using Poco::Net::HTTPSession::buffered;
    // Up to `length` bytes: the buffered ones when there are any (never more than those), else
    // one receive on the socket, which may return fewer. 0 at the end of the stream; throws
    // Poco::TimeoutException past the socket's receive timeout, another Poco::Exception when the
    // connection broke.
    using Poco::Net::HTTPSession::read;
};

}  // namespace vergegrid::kernel::http
