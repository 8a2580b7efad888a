// Opt-in record of every answer the tests' HTTP client receives, for the OpenAPI answer check
// (tests/scripts/openapi_answers_test.py): with VERGEGRID_RECORD_ANSWERS=<folder> set, each answer
// is appended to <folder>/answers-<pid>.jsonl as one JSON line {method, path, status,
// content_type, body, request_body}; without it nothing is written.
#pragma once

#include <string>

namespace vergegrid::test {

void record_answer(const std::string& method, const std::string& path,
                   const std::string& request_body, int status, const std::string& content_type,
                   const std::string& body);

}  // namespace vergegrid::test
