#include "app/allreduce_report.hpp"

#include <iomanip>

namespace aegan::app {

void print_allreduce(std::ostream& out, const std::string& preset,
                     const bench::AllreduceTiming& timing) {
  std::string optimizers;
  for (const std::string& name : timing.optimizers)
    optimizers += (optimizers.empty() ? "" : ", ") + name;
  out << std::fixed << std::setprecision(3) << preset << " " << timing.stage << " (" << optimizers
      << "): " << timing.elements << " gradient floats ("
      << static_cast<double>(timing.bytes()) / 1e6 << " MB) over " << timing.ranks
      << (timing.ranks == 1 ? " rank: " : " ranks: ") << timing.seconds * 1e3
      << " ms per step, of which MPI " << timing.mpi_seconds * 1e3 << " ms" << std::defaultfloat
      << '\n';
}

nlohmann::ordered_json allreduce_json(const bench::AllreduceTiming& timing) {
  return {{"stage", timing.stage},
          {"optimizers", timing.optimizers},
          {"gradient_elements", timing.elements},
          {"gradient_bytes", timing.bytes()},
          {"ranks", timing.ranks},
          {"warmup", timing.warmup},
          {"repetitions", timing.repetitions},
          {"allreduce_ms", timing.seconds * 1e3},
          {"mpi_ms", timing.mpi_seconds * 1e3}};
}

void print_allreduce_beside_steps(std::ostream& out, const bench::PresetTimings& steps,
                                  const std::vector<bench::AllreduceTiming>& allreduces) {
  for (const bench::FigureTiming& figure : steps.figures) {
    for (const bench::AllreduceTiming& allreduce : allreduces) {
      if (allreduce.stage != figure.figure) continue;
      const double step_ms = figure.seconds * 1e3;
      const double allreduce_ms = allreduce.seconds * 1e3;
      out << std::fixed << std::setprecision(3) << steps.preset.preset << " " << figure.figure
          << " batch " << figure.batch << ": step " << step_ms << " ms, all-reduce over "
          << allreduce.ranks << " ranks " << allreduce_ms << " ms (" << std::setprecision(1)
          << 100.0 * allreduce_ms / (step_ms + allreduce_ms)
          << " % of both, unless it overlaps the backward pass)" << std::defaultfloat << '\n';
    }
  }
}

}  // namespace aegan::app
