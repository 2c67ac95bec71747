#pragma once
#include <functional>
#include <initializer_list>
#include <vector>

#include "engine/tensor.hpp"

namespace aegan {

// Gradient of the loss with respect to each input of an op, given the gradient of its output.
// An entry may be left undefined where the input needs no gradient.
using BackwardFn = std::function<std::vector<Tensor>(const Tensor& grad_output)>;

// One recorded op: its inputs (the graph's edges) and how to push a gradient through it.
// A node holds only detached copies of what its backward needs, so it never owns its output.
struct Node {
  const char* name = "";
  std::vector<Tensor> inputs;
  BackwardFn backward;
};

bool grad_enabled();

// Turns recording off within a scope (inference, optimiser updates, gradient arithmetic).
class NoGradGuard {
 public:
  NoGradGuard();
  ~NoGradGuard();
  NoGradGuard(const NoGradGuard&) = delete;
  NoGradGuard& operator=(const NoGradGuard&) = delete;

 private:
  bool previous_;
};

// True when an op with these inputs must record a node: recording is on and an input needs grad.
bool needs_grad(std::initializer_list<const Tensor*> inputs);

// Makes `output` the result of a recorded op. Call only when needs_grad() said so.
void record(Tensor& output, const char* name, std::vector<Tensor> inputs, BackwardFn backward);

}  // namespace aegan
