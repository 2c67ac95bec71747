#pragma once
#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "bench/allreduce_bench.hpp"
#include "bench/train_bench.hpp"

namespace aegan::app {

// One stage's gradient all-reduce: a line of text and its JSON
// ({"stage", "optimizers", "gradient_elements", "gradient_bytes", "ranks", "warmup",
// "repetitions", "allreduce_ms", "mpi_ms"}).
void print_allreduce(std::ostream& out, const std::string& preset,
                     const bench::AllreduceTiming& timing);
nlohmann::ordered_json allreduce_json(const bench::AllreduceTiming& timing);

// Each timed training figure's step beside its stage's all-reduce (bench train under mpirun):
// what data-parallel training would add to the step, and its share of the whole.
void print_allreduce_beside_steps(std::ostream& out, const bench::PresetTimings& steps,
                                  const std::vector<bench::AllreduceTiming>& allreduces);

}  // namespace aegan::app
