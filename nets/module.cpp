#include "nets/module.hpp"

#include "engine/init.hpp"

namespace aegan::nn {

int64_t element_count(const NamedTensors& tensors) {
  int64_t count = 0;
  for (const auto& [name, tensor] : tensors)
    count += tensor.numel();
  return count;
}

NamedTensors Module::parameters(const std::string& prefix) const {
  NamedTensors out;
  collect(prefix, true, out);
  return out;
}

NamedTensors Module::buffers(const std::string& prefix) const {
  NamedTensors out;
  collect(prefix, false, out);
  return out;
}

NamedTensors Module::state(const std::string& prefix) const {
  NamedTensors out = parameters(prefix);
  collect(prefix, false, out);
  return out;
}

void Module::collect(const std::string& prefix, bool want_parameters, NamedTensors& out) const {
  for (const auto& [name, tensor] : want_parameters ? parameters_ : buffers_) {
    out.emplace_back(prefix + name, tensor);
  }
  for (const auto& [name, child] : children_) {
    child->collect(prefix + name + ".", want_parameters, out);
  }
}

void Module::set_training(bool training) {
  training_ = training;
  for (auto& child : children_)
    child.second->set_training(training);
}

void Module::set_trainable(bool trainable) {
  for (auto& parameter : parameters_)
    parameter.second.set_requires_grad(trainable);
  for (auto& child : children_)
    child.second->set_trainable(trainable);
}

void Module::initialise(Rng& rng) {
  for (auto& child : children_)
    child.second->initialise(rng);
}

Tensor& Module::add_parameter(std::string name, const Shape& shape) {
  Tensor tensor = Tensor::zeros(shape);
  tensor.set_requires_grad(true);
  return parameters_.emplace_back(std::move(name), std::move(tensor)).second;
}

Tensor& Module::add_buffer(std::string name, Tensor value) {
  return buffers_.emplace_back(std::move(name), std::move(value)).second;
}

Tensor Sequential::forward(const Tensor& x) {
  Tensor y = x;
  for (const auto& child : children())
    y = child.second->forward(y);
  return y;
}

namespace {

// What `collect` gives of each network under "<prefix>.", in the networks' order.
NamedTensors of_each(const Networks& networks,
                     NamedTensors (Module::*collect)(const std::string&) const) {
  NamedTensors all;
  for (const auto& [prefix, net] : networks) {
    NamedTensors part = (net->*collect)(std::string(prefix) + ".");
    all.insert(all.end(), part.begin(), part.end());
  }
  return all;
}

}  // namespace

NamedTensors state(const Networks& networks) {
  return of_each(networks, &Module::state);
}

NamedTensors parameters(const Networks& networks) {
  return of_each(networks, &Module::parameters);
}

NamedTensors buffers(const Networks& networks) {
  return of_each(networks, &Module::buffers);
}

void initialise(const Networks& networks, uint64_t seed) {
  Rng rng(seed);
  for (const auto& [prefix, net] : networks)
    net->initialise(rng);
}

void set_training(const Networks& networks, bool training) {
  for (const auto& [prefix, net] : networks)
    net->set_training(training);
}

}  // namespace aegan::nn
