#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "nets/model_sizes.hpp"

namespace aegan::train {
class Ranks;
}

namespace aegan::bench {

// The gradient all-reduce of one iteration of a training stage: each of the stage's optimisers
// steps once an iteration, on the mean over the ranks of its parameters' gradients
// (GradientSync::mean_over_ranks: device to host, MPI_Allreduce, host to device).
struct AllreduceTiming {
  std::string stage;
  std::vector<std::string> optimizers;  // the stage's, in its order: one all-reduce each
  int64_t elements = 0;                 // gradient floats reduced per iteration, all optimisers
  int ranks = 1;
  int warmup = 0;
  int repetitions = 0;
  // The slowest rank's mean per iteration: of the whole mean (with the copies to and from the
  // device), and of the MPI calls in it alone.
  double seconds = 0;
  double mpi_seconds = 0;

  int64_t bytes() const { return elements * 4; }
};

// Times `repetitions` iterations (after `warmup`) of each stage's all-reduce on zero gradients of
// the shapes of a freshly built model's trained parameters. Collective: every rank calls it.
std::vector<AllreduceTiming> bench_allreduce(const std::string& model, const ModelSizes& sizes,
                                             int warmup, int repetitions, train::Ranks& ranks);

}  // namespace aegan::bench
