#pragma once
#include <iosfwd>
#include <string>

#include "nets/eval/evaluate.hpp"

namespace aegan::eval {

// A report::Progress line on `out` per part of the work, opened when the part first reports its
// total and finished when it reports that total done.
ProgressFn progress_line(const std::string& part, std::ostream& out, bool terminal);
ProgressFactory progress_lines(std::ostream& out, bool terminal);

}  // namespace aegan::eval
