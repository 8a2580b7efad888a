// openapi: the server's OpenAPI 3.1 document (GET /api/v1/openapi.json, docs/api.md), printed
// as JSON for code generators and API tools. Always JSON: the document has no table form.
#include "cli/answer_check.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"

namespace vergegrid::cli {

namespace {

const AnswerCheck checker("the server's OpenAPI document");
const Check is_paths = [](const Json& v) { return v.is_object(); };

void print_openapi(Context& ctx) {
    const Json document = ctx.api().get("/openapi.json");
    checker.require_object(document);
    checker.require(document, "", "openapi", is_string, "a string");
    checker.require(document, "", "paths", is_paths, "an object");
    print_json(ctx.io.out, document);
}

}  // namespace

void add_openapi_command(CLI::App& app, Context& ctx) {
    app.add_subcommand("openapi",
                       "print the server's OpenAPI 3.1 document (every route, its permission, "
                       "parameters and JSON schemas) as JSON")
        ->callback([&ctx] { ctx.action = [&ctx] { print_openapi(ctx); }; });
}

}  // namespace vergegrid::cli
