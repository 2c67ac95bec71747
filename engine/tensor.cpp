#include "engine/tensor.hpp"

#include <atomic>
#include <bit>

#include "engine/autograd.hpp"
#include "engine/runtime.hpp"

namespace aegan {

int64_t numel(const Shape& shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::string to_string(const Shape& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

namespace {

uint64_t next_version() {
  static std::atomic<uint64_t> counter{0};
  return ++counter;
}

}  // namespace

Storage::Storage(VkDeviceSize bytes)
    : allocation(Runtime::get().memory().allocate(bytes)),
      version(next_version()),
      id(next_version()) {}

Storage::~Storage() {
  // Tensors that outlive the runtime (statics at exit) have nothing left to give back.
  if (Runtime::alive()) Runtime::get().memory().free(allocation);
}

namespace {

std::shared_ptr<TensorImpl> make_impl(const Shape& shape) {
  for (int64_t d : shape) {
    if (d < 0) throw Error("negative dimension in tensor shape " + to_string(shape));
  }
  auto impl = std::make_shared<TensorImpl>();
  impl->shape = shape;
  impl->storage = std::make_shared<Storage>(static_cast<VkDeviceSize>(numel(shape)) * 4);
  return impl;
}

}  // namespace

Tensor Tensor::empty(const Shape& shape) {
  return Tensor(make_impl(shape));
}

Tensor Tensor::zeros(const Shape& shape) {
  return full(shape, 0.0f);
}

Tensor Tensor::full(const Shape& shape, float value) {
  Tensor t = empty(shape);
  t.fill(value);
  return t;
}

Tensor Tensor::from_host(const Shape& shape, std::span<const float> values) {
  Tensor t = empty(shape);
  t.upload(values);
  return t;
}

void Tensor::fill(float value) {
  checked().storage->version = next_version();
  Runtime::get().stream().fill(allocation(), 0, bytes(), std::bit_cast<uint32_t>(value));
}

void Tensor::upload(std::span<const float> values) {
  if (static_cast<int64_t>(values.size()) != numel()) {
    throw Error("upload of " + std::to_string(values.size()) + " values into a tensor of shape " +
                to_string(shape()));
  }
  checked().storage->version = next_version();
  Runtime::get().stream().upload(allocation(), 0, values.data(), bytes());
}

const TensorImpl& Tensor::checked() const {
  if (!impl_) throw Error("internal error: use of an undefined tensor");
  return *impl_;
}

const Shape& Tensor::shape() const {
  return checked().shape;
}

std::vector<float> Tensor::to_host() const {
  std::vector<float> values(static_cast<size_t>(numel()));
  Runtime::get().stream().download(allocation(), 0, values.data(), bytes());
  return values;
}

float Tensor::item() const {
  return items(std::span<const Tensor>(this, 1))[0];
}

std::vector<float> Tensor::items(std::span<const Tensor> tensors) {
  std::vector<float> values(tensors.size());
  std::vector<vk::Readback> ranges;
  for (size_t i = 0; i < tensors.size(); ++i) {
    const Tensor& tensor = tensors[i];
    if (tensor.numel() != 1)
      throw Error("item() of a tensor of shape " + to_string(tensor.shape()));
    ranges.push_back({&tensor.allocation(), 0, &values[i], 4});
  }
  Runtime::get().stream().download(ranges);
  return values;
}

Tensor::Later Tensor::download_later(std::vector<Tensor> tensors) {
  int64_t count = 0;
  for (const Tensor& tensor : tensors)
    count += tensor.numel();
  std::vector<float> values(static_cast<size_t>(count));
  std::vector<vk::Readback> ranges;
  size_t at = 0;
  for (const Tensor& tensor : tensors) {
    ranges.push_back({&tensor.allocation(), 0, values.data() + at, tensor.bytes()});
    at += static_cast<size_t>(tensor.numel());
  }
  const uint64_t ticket = Runtime::get().stream().download_later(ranges);
  return Later(std::move(tensors), std::move(values), ticket);
}

bool Tensor::Later::arrived() {
  if (!arrived_) arrived_ = Runtime::get().stream().arrived(ticket_);
  if (arrived_) tensors_.clear();
  return arrived_;
}

std::vector<float>& Tensor::Later::values() {
  if (!arrived_) Runtime::get().stream().await(ticket_);
  arrived_ = true;
  tensors_.clear();
  return values_;
}

const vk::Allocation& Tensor::allocation() const {
  return checked().storage->allocation;
}

VkDeviceAddress Tensor::address() const {
  return allocation().address;
}

vk::Access Tensor::reads() const {
  return vk::Access::read_of(allocation(), 0, bytes());
}

vk::Access Tensor::writes() const {
  checked().storage->version = next_version();
  return vk::Access::write_of(allocation(), 0, bytes());
}

uint64_t Tensor::version() const {
  return checked().storage->version;
}

uint64_t Tensor::storage_id() const {
  return checked().storage->id;
}

Tensor& Tensor::set_requires_grad(bool value) {
  if (checked().grad_fn) throw Error("requires_grad can only be set on leaf tensors");
  impl_->requires_grad = value;
  return *this;
}

Tensor Tensor::grad() const {
  return Tensor(checked().grad);
}

void Tensor::set_grad(const Tensor& grad) {
  checked();
  impl_->grad = grad.impl_;
}

void Tensor::zero_grad() {
  checked();
  impl_->grad.reset();
}

const std::shared_ptr<Node>& Tensor::grad_fn() const {
  return checked().grad_fn;
}

Tensor Tensor::detach() const {
  auto impl = std::make_shared<TensorImpl>();
  impl->shape = shape();
  impl->storage = impl_->storage;
  return Tensor(impl);
}

Tensor Tensor::reshape(const Shape& new_shape) const {
  if (aegan::numel(new_shape) != numel()) {
    throw Error("cannot reshape " + to_string(shape()) + " to " + to_string(new_shape));
  }
  Tensor result = detach();
  result.impl_->shape = new_shape;
  if (needs_grad({this})) {
    const Shape original = shape();
    record(result, "reshape", {*this},
           [original](const Tensor& grad) { return std::vector<Tensor>{grad.reshape(original)}; });
  }
  return result;
}

void Tensor::copy_from(const Tensor& source) {
  if (source.numel() != numel()) {
    throw Error("copy of " + to_string(source.shape()) + " into " + to_string(shape()));
  }
  checked().storage->version = next_version();
  Runtime::get().stream().copy(source.allocation(), 0, allocation(), 0, bytes());
}

}  // namespace aegan
