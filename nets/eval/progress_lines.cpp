#include "nets/eval/progress_lines.hpp"

#include <memory>

#include "nets/report/progress.hpp"

namespace aegan::eval {

ProgressFn progress_line(const std::string& part, std::ostream& out, bool terminal) {
  auto progress = std::make_shared<std::unique_ptr<report::Progress>>();
  return [progress, part, &out, terminal](int64_t done, int64_t total) {
    if (!*progress) {
      *progress = std::make_unique<report::Progress>(part, total, out,
                                                     report::ProgressOptions{.terminal = terminal});
    }
    (*progress)->update(done);
    if (done == total) (*progress)->finish();
  };
}

ProgressFactory progress_lines(std::ostream& out, bool terminal) {
  return [&out, terminal](const std::string& part) { return progress_line(part, out, terminal); };
}

}  // namespace aegan::eval
