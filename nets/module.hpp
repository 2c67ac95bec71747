#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/tensor.hpp"

namespace aegan {
class Rng;
}

namespace aegan::nn {

using NamedTensors = std::vector<std::pair<std::string, Tensor>>;
// The number of values the tensors hold together.
int64_t element_count(const NamedTensors& tensors);

// A node of a network's module tree. Parameters (trained) and buffers (BN running statistics)
// are named by their path in the tree, which gives the checkpoint names of docs/models/aegan.md
// ("up0.res.bn2.running_var") without a separate table.
class Module {
 public:
  Module() = default;
  virtual ~Module() = default;
  Module(const Module&) = delete;
  Module& operator=(const Module&) = delete;

  virtual Tensor forward(const Tensor& x) = 0;

  NamedTensors parameters(const std::string& prefix = "") const;
  NamedTensors buffers(const std::string& prefix = "") const;
  // Parameters then buffers: everything a checkpoint of this module holds.
  NamedTensors state(const std::string& prefix = "") const;

  // Training (batch statistics, dropout) or eval (running statistics, no dropout); recursive.
  void set_training(bool training);
  bool training() const { return training_; }
  // Whether backward() fills the gradients of this module's parameters; recursive.
  void set_trainable(bool trainable);

  // Draws the spec's initial values ("Initialisation") in tree order, so a seed fixes them all.
  virtual void initialise(Rng& rng);

 protected:
  Tensor& add_parameter(std::string name, const Shape& shape);
  Tensor& add_buffer(std::string name, Tensor value);
  template <class M>
  M& add_child(std::string name, std::unique_ptr<M> child) {
    M& ref = *child;
    children_.emplace_back(std::move(name), std::move(child));
    return ref;
  }
  const std::vector<std::pair<std::string, std::unique_ptr<Module>>>& children() const {
    return children_;
  }

 private:
  void collect(const std::string& prefix, bool want_parameters, NamedTensors& out) const;

  NamedTensors parameters_;
  NamedTensors buffers_;
  std::vector<std::pair<std::string, std::unique_ptr<Module>>> children_;
  bool training_ = true;
};

// Children applied in the order they were added.
class Sequential : public Module {
 public:
  template <class M>
  M& add(std::string name, std::unique_ptr<M> child) {
    return add_child(std::move(name), std::move(child));
  }
  Tensor forward(const Tensor& x) override;
};

// A model's networks under their checkpoint prefixes (("g_e", G_E), ...), in the spec's order.
using Networks = std::vector<std::pair<const char*, Module*>>;
// Every parameter and buffer of the networks, "<prefix>.<name>".
NamedTensors state(const Networks& networks);
// Only their parameters, or only their buffers, in the networks' order.
NamedTensors parameters(const Networks& networks);
NamedTensors buffers(const Networks& networks);
// Initialises the networks in order from one generator, so that a seed fixes them all.
void initialise(const Networks& networks, uint64_t seed);
void set_training(const Networks& networks, bool training);

}  // namespace aegan::nn
