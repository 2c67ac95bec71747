#include <stdexcept>

#include "tests/reference/reference.hpp"

namespace aegan::reference {

void weight_average_step(Tensor& average, const Tensor& parameter, double decay) {
  if (average.shape != parameter.shape) {
    throw std::invalid_argument("weight_average_step: shapes differ");
  }
  for (int64_t i = 0; i < average.numel(); ++i)
    average.data[i] = decay * average.data[i] + (1.0 - decay) * parameter.data[i];
}

}  // namespace aegan::reference
