// The console questions OpenSim asks during start-up or a region load (trap 12), and the setting
// in OpenSim.ini that makes it not ask. A supervisor cannot answer them (it would invent an
// estate owner); it names the question and the fix instead.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vergegrid::bridge {

// A line OpenSim writes just before it waits on its console, or nullopt. A real 0.9.2.2 whose
// standard output is a file writes "Estate My Estate has no owner set." and then waits WITHOUT
// writing the question itself ("Estate owner first name [Test]: " reaches a terminal only), so
// such an announcement counts as the question.
bool announces_console_question(std::string_view line);

// The OpenSim.ini setting that avoids `question` (a question or an announcement line).
std::string setting_that_avoids(std::string_view question);

// The simulator's state_detail for a simulator stalled at `question`:
// console question "Estate owner first name [Test]:" — set [Estates] ... in OpenSim.ini
std::string describe_console_question(std::string_view question);

}  // namespace vergegrid::bridge
