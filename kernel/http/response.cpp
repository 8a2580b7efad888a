#include "kernel/http/response.hpp"

#include "kernel/http/api_error.hpp"

namespace vergegrid::kernel::http {

Response Response::json(int status, const nlohmann::json& body) {
    Response response;
    response.status = status;
    response.body = body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return response;
}

Response Response::secret_json(int status, const nlohmann::json& body) {
    auto response = json(status, body);
    response.headers.emplace_back("Cache-Control", "no-store");
    return response;
}

Response Response::text(int status, std::string body, std::string content_type) {
    Response response;
    response.status = status;
    response.content_type = std::move(content_type);
    response.body = std::move(body);
    return response;
}

Response Response::streamed(int status, std::shared_ptr<BodySource> source,
                            std::string content_type) {
    Response response;
    response.status = status;
    response.content_type = std::move(content_type);
    response.stream = std::move(source);
    return response;
}

Response Response::error(const ApiError& error) {
    Response response;
    response.status = error.status();
    response.body =
        error_body(error).dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
    return response;
}

}  // namespace vergegrid::kernel::http
