#include <cstdint>
#include <string>

#include "engine/autograd.hpp"
#include "engine/ops.hpp"
#include "engine/ops/launch.hpp"
#include "shaders.hpp"

namespace aegan::ops {
namespace {

struct ShapePush {
  VkDeviceAddress src;
  VkDeviceAddress dst;
  uint32_t n;
  uint32_t part_inner;
  uint32_t whole_inner;
  uint32_t offset;
};

// Elements of `shape` from dimension `dim` on: one row of the [outer, inner] view.
int64_t inner_size(const Shape& shape, size_t dim) {
  int64_t n = 1;
  for (size_t i = dim; i < shape.size(); ++i)
    n *= shape[i];
  return n;
}

Shape concat_shape(const std::vector<Tensor>& parts, size_t dim) {
  if (parts.empty()) throw Error("concat of no tensors");
  Shape shape = parts[0].shape();
  if (dim >= shape.size()) {
    throw Error("concat along dimension " + std::to_string(dim) + " of " + to_string(shape));
  }
  for (size_t i = 1; i < parts.size(); ++i) {
    const Shape& other = parts[i].shape();
    bool fits = other.size() == shape.size();
    for (size_t d = 0; fits && d < shape.size(); ++d)
      fits = d == dim || other[d] == shape[d];
    if (!fits) throw Error("concat of " + to_string(shape) + " and " + to_string(other));
    shape[dim] += other[dim];
  }
  if (numel(shape) > UINT32_MAX) throw Error("concat result " + to_string(shape) + " too large");
  return shape;
}

// Copies between `part` and its columns [offset, offset + part_inner) of `whole`.
void transfer(const vk::ShaderCode& kernel, const Tensor& part, const Tensor& whole, int64_t offset,
              size_t dim) {
  const bool into_whole = &kernel == &shaders::shape_concat;
  const Tensor& src = into_whole ? part : whole;
  const Tensor& dst = into_whole ? whole : part;
  const auto n = static_cast<uint32_t>(part.numel());
  ShapePush push{src.address(),
                 dst.address(),
                 n,
                 static_cast<uint32_t>(inner_size(part.shape(), dim)),
                 static_cast<uint32_t>(inner_size(whole.shape(), dim)),
                 static_cast<uint32_t>(offset)};
  launch_1d(kernel, n, push, {src.reads(), dst.writes()});
}

}  // namespace

Tensor concat(const std::vector<Tensor>& parts, int dim) {
  if (dim < 0) throw Error("concat along a negative dimension");
  const auto d = static_cast<size_t>(dim);
  Tensor y = Tensor::empty(concat_shape(parts, d));
  const int64_t step = inner_size(y.shape(), d + 1);
  std::vector<int64_t> offsets;
  int64_t offset = 0;
  for (const Tensor& part : parts) {
    offsets.push_back(offset);
    if (part.numel() > 0) transfer(shaders::shape_concat, part, y, offset, d);
    offset += part.dim(d) * step;
  }
  bool any_grad = false;
  for (const Tensor& part : parts)
    any_grad = any_grad || needs_grad({&part});
  if (any_grad) {
    std::vector<Shape> shapes;
    std::vector<bool> wanted;
    for (const Tensor& part : parts) {
      shapes.push_back(part.shape());
      wanted.push_back(part.requires_grad());
    }
    record(y, "concat", parts, [shapes, wanted, offsets, d](const Tensor& grad) {
      std::vector<Tensor> grads(shapes.size());
      for (size_t i = 0; i < shapes.size(); ++i) {
        if (!wanted[i]) continue;
        grads[i] = Tensor::empty(shapes[i]);
        if (grads[i].numel() > 0) transfer(shaders::shape_split, grads[i], grad, offsets[i], d);
      }
      return grads;
    });
  }
  return y;
}

}  // namespace aegan::ops
