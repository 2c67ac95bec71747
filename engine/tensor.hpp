#pragma once
#include <vulkan/vulkan.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/error.hpp"
#include "engine/vk/memory.hpp"
#include "engine/vk/stream.hpp"

namespace aegan {

using Shape = std::vector<int64_t>;
int64_t numel(const Shape& shape);
std::string to_string(const Shape& shape);

// Device memory owned by one or more tensors (a reshape or detach shares it).
struct Storage {
  vk::Allocation allocation;
  // Changes whenever something is recorded that writes the memory; no two contents of any
  // storage share a number, so results derived from a tensor can be cached by it.
  uint64_t version;
  const uint64_t id;  // no two storages share one
  explicit Storage(VkDeviceSize bytes);
  ~Storage();
  Storage(const Storage&) = delete;
  Storage& operator=(const Storage&) = delete;
};

struct Node;

struct TensorImpl {
  Shape shape;
  std::shared_ptr<Storage> storage;
  bool requires_grad = false;
  std::shared_ptr<TensorImpl> grad;
  std::shared_ptr<Node> grad_fn;  // set on results of ops that autograd recorded
};

// A float32 tensor in device memory, NCHW contiguous. Copies share the same tensor (like a
// handle); memory is freed when the last handle and the last graph node using it are gone.
class Tensor {
 public:
  Tensor() = default;
  explicit Tensor(std::shared_ptr<TensorImpl> impl) : impl_(std::move(impl)) {}

  static Tensor empty(const Shape& shape);  // contents undefined
  static Tensor zeros(const Shape& shape);
  static Tensor full(const Shape& shape, float value);
  static Tensor from_host(const Shape& shape, std::span<const float> values);

  bool defined() const { return static_cast<bool>(impl_); }
  const Shape& shape() const;
  int64_t dim(size_t i) const { return shape().at(i); }
  size_t rank() const { return shape().size(); }
  int64_t numel() const { return aegan::numel(shape()); }
  VkDeviceSize bytes() const { return static_cast<VkDeviceSize>(numel()) * 4; }

  std::vector<float> to_host() const;  // waits for the device
  float item() const;                  // the value of a one-element tensor
  // The values of one-element tensors, read back with one wait for the device.
  static std::vector<float> items(std::span<const Tensor> tensors);
  class Later;
  // The values of the tensors, one after another, copied to the host while the host goes on.
  static Later download_later(std::vector<Tensor> tensors);

  // Device address of the first element and the access records of this tensor's bytes;
  // writes() gives the contents a new version.
  VkDeviceAddress address() const;
  vk::Access reads() const;
  vk::Access writes() const;
  uint64_t version() const;
  uint64_t storage_id() const;
  const vk::Allocation& allocation() const;

  bool requires_grad() const { return impl_ && impl_->requires_grad; }
  Tensor& set_requires_grad(bool value);
  Tensor grad() const;
  void set_grad(const Tensor& grad);
  void zero_grad();  // forgets the gradient; the next backward() starts from zero
  const std::shared_ptr<Node>& grad_fn() const;

  // Shares memory; no gradient flows through the result.
  Tensor detach() const;
  // Shares memory; gradients flow back with the original shape.
  Tensor reshape(const Shape& shape) const;
  // Device copy of `source` into this tensor's memory (same element count), not recorded.
  void copy_from(const Tensor& source);
  void upload(std::span<const float> values);
  void fill(float value);

  // Reverse-mode autodiff from this one-element tensor: accumulates d(this)/d(leaf) into .grad of
  // every leaf that requires it, then frees the graph. `gradient_done` is called with each such
  // leaf as soon as its .grad holds the whole gradient of this pass (while the rest of the pass
  // is still to be recorded), in the same order every time for the same graph.
  void backward(const std::function<void(const Tensor& leaf)>& gradient_done = {}) const;

  TensorImpl* impl() const { return impl_.get(); }
  const std::shared_ptr<TensorImpl>& shared_impl() const { return impl_; }

 private:
  const TensorImpl& checked() const;
  std::shared_ptr<TensorImpl> impl_;
};

// Values on their way from the device (Tensor::download_later); the tensors live until they
// have arrived.
class Tensor::Later {
 public:
  Later(std::vector<Tensor> tensors, std::vector<float> values, uint64_t ticket)
      : tensors_(std::move(tensors)), values_(std::move(values)), ticket_(ticket) {}
  // Whether the values are here; never waits for the device.
  bool arrived();
  // The values, after waiting for them where they are not here yet.
  std::vector<float>& values();

 private:
  std::vector<Tensor> tensors_;
  std::vector<float> values_;  // written by the device's copy: its buffer must not move
  uint64_t ticket_;
  bool arrived_ = false;
};

}  // namespace aegan
