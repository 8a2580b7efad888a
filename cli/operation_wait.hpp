// --wait: follows a long operation (snapshot, restore) by polling
// GET /api/v1/operations?region_id=… until it has succeeded or failed, drawing its "progress"
// (docs/snapshots.md) on the progress bar.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "cli/api.hpp"
#include "cli/progress_bar.hpp"

namespace vergegrid::cli {

inline constexpr std::chrono::milliseconds kPollInterval{500};

// The operation's last JSON once its state is neither pending nor delivered. CliError(server_error)
// when the operation stops being listed.
Json wait_for_operation(Api& api, ProgressBar& bar, const std::string& label,
                        const std::string& region_id, std::int64_t operation_id);

// The id of the region's newest operation of `kind` newer than `after_id`, once it exists (a
// restore queued when its safety snapshot completes). CliError(server_error) when none appears
// within `patience`.
std::int64_t wait_for_new_operation(Api& api, const std::string& region_id, const std::string& kind,
                                    std::int64_t after_id,
                                    std::chrono::seconds patience = std::chrono::seconds(60));

// The "progress" member of an operation; zeros when it is null or absent.
Progress progress_of(const Json& operation);

}  // namespace vergegrid::cli
