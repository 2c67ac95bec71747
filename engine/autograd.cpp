#include "engine/autograd.hpp"

#include <unordered_map>
#include <unordered_set>

#include "engine/error.hpp"
#include "engine/ops.hpp"

namespace aegan {
namespace {

thread_local bool recording = true;

// Every tensor reachable from `root` through recorded nodes, each after all tensors computed from
// it (reverse topological order), found without recursion so deep graphs cannot overflow.
std::vector<std::shared_ptr<TensorImpl>> reverse_topological(
    const std::shared_ptr<TensorImpl>& root) {
  std::vector<std::shared_ptr<TensorImpl>> post_order;
  std::unordered_set<TensorImpl*> visited;
  std::vector<std::pair<std::shared_ptr<TensorImpl>, size_t>> stack{{root, 0}};
  visited.insert(root.get());
  while (!stack.empty()) {
    auto& [impl, next_input] = stack.back();
    const Node* node = impl->grad_fn.get();
    if (node && next_input < node->inputs.size()) {
      const auto& input = node->inputs[next_input++].shared_impl();
      if (input && input->requires_grad && visited.insert(input.get()).second) {
        stack.emplace_back(input, 0);
      }
      continue;
    }
    post_order.push_back(impl);
    stack.pop_back();
  }
  return {post_order.rbegin(), post_order.rend()};
}

}  // namespace

bool grad_enabled() {
  return recording;
}

NoGradGuard::NoGradGuard() : previous_(recording) {
  recording = false;
}

NoGradGuard::~NoGradGuard() {
  recording = previous_;
}

bool needs_grad(std::initializer_list<const Tensor*> inputs) {
  if (!recording) return false;
  for (const Tensor* t : inputs) {
    if (t && t->requires_grad()) return true;
  }
  return false;
}

void record(Tensor& output, const char* name, std::vector<Tensor> inputs, BackwardFn backward) {
  auto node = std::make_shared<Node>();
  node->name = name;
  node->inputs = std::move(inputs);
  node->backward = std::move(backward);
  output.impl()->grad_fn = std::move(node);
  output.impl()->requires_grad = true;
}

void Tensor::backward(const std::function<void(const Tensor& leaf)>& gradient_done) const {
  if (!requires_grad()) throw Error("backward() of a tensor that does not require grad");
  if (numel() != 1) throw Error("backward() needs a one-element loss, got " + to_string(shape()));
  NoGradGuard no_grad;
  const auto order = reverse_topological(impl_);
  std::unordered_map<TensorImpl*, Tensor> pending;
  pending[impl_.get()] = Tensor::full(shape(), 1.0f);
  for (const auto& impl : order) {
    auto found = pending.find(impl.get());
    if (found == pending.end()) continue;
    const Tensor grad = std::move(found->second);
    pending.erase(found);
    std::shared_ptr<Node> node = impl->grad_fn;
    if (!node) {
      impl->grad =
          impl->grad ? ops::add(Tensor(impl->grad), grad).shared_impl() : grad.shared_impl();
      if (gradient_done) gradient_done(Tensor(impl));
      continue;
    }
    if (!node->backward) throw Error("backward() through a graph that was already freed");
    const std::vector<Tensor> grads = node->backward(grad);
    for (size_t i = 0; i < node->inputs.size() && i < grads.size(); ++i) {
      const Tensor& input = node->inputs[i];
      if (!grads[i].defined() || !input.requires_grad()) continue;
      if (grads[i].shape() != input.shape()) {
        throw Error(std::string("internal error: gradient of ") + node->name + " has shape " +
                    to_string(grads[i].shape()) + ", input " + to_string(input.shape()));
      }
      Tensor& slot = pending[input.impl()];
      slot = slot.defined() ? ops::add(slot, grads[i]) : grads[i];
    }
    // Like PyTorch without retain_graph: saved tensors go as soon as they have been used.
    node->backward = nullptr;
    node->inputs.clear();
  }
}

}  // namespace aegan
