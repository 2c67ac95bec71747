#pragma once
// Checks that every model's networks share: element counts, names and shapes of a checkpoint's
// tensors, and the initial values of docs/models/aegan.md and docs/models/dcgan.md
// ("Initialisation").
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>

#include "nets/module.hpp"

namespace aegan::test {

inline int64_t parameter_count(const nn::Module& net) {
  return nn::element_count(net.parameters());
}

inline int64_t buffer_count(const nn::Module& net) {
  return nn::element_count(net.buffers());
}

// Name -> shape; a name given twice is a failure.
inline std::map<std::string, Shape> shapes(const nn::NamedTensors& state) {
  std::map<std::string, Shape> out;
  for (const auto& [name, tensor] : state) {
    EXPECT_TRUE(out.emplace(name, tensor.shape()).second) << "duplicate name " << name;
  }
  return out;
}

// Convolution weights ~ N(0, 0.02), BN weights ~ N(1, 0.02), biases and running means 0,
// running variances 1; the moments are only checked where there are enough values to tell.
inline void expect_initialisation_of_the_spec(const nn::NamedTensors& state) {
  for (const auto& [name, tensor] : state) {
    const auto values = tensor.to_host();
    double sum = 0, squares = 0;
    for (float v : values) {
      sum += v;
      squares += static_cast<double>(v) * v;
    }
    const double mean = sum / static_cast<double>(values.size());
    const double sd =
        std::sqrt(std::max(0.0, squares / static_cast<double>(values.size()) - mean * mean));
    const bool bn = name.find(".bn") != std::string::npos;
    if (name.ends_with("running_var")) {
      EXPECT_EQ(mean, 1.0) << name;
    } else if (name.ends_with("bias") || name.ends_with("running_mean")) {
      EXPECT_EQ(sd, 0.0) << name;
      EXPECT_EQ(mean, 0.0) << name;
    } else if (values.size() > 1000) {
      EXPECT_NEAR(mean, bn ? 1.0 : 0.0, 0.005) << name;
      EXPECT_NEAR(sd, 0.02, 0.002) << name;
    }
  }
}

// a and b initialised from one seed hold the same values, c from another seed other values.
template <class Model>
void expect_seed_fixes_the_weights(Model& a, Model& b, Model& c) {
  a.initialise(7);
  b.initialise(7);
  c.initialise(8);
  const auto sa = a.state(), sb = b.state(), sc = c.state();
  ASSERT_EQ(sa.size(), sb.size());
  ASSERT_EQ(sa.size(), sc.size());
  bool any_difference = false;
  for (size_t i = 0; i < sa.size(); ++i) {
    EXPECT_EQ(sa[i].second.to_host(), sb[i].second.to_host()) << sa[i].first;
    any_difference = any_difference || sa[i].second.to_host() != sc[i].second.to_host();
  }
  EXPECT_TRUE(any_difference);
}

}  // namespace aegan::test
