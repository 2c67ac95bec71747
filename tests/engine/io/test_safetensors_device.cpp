#include <gtest/gtest.h>

#include "engine/error.hpp"
#include "engine/io/tensor_transfer.hpp"
#include "tests/engine/io/io_testing.hpp"

namespace aegan::io {
namespace {

using testing::TempDir;
using testing::throws_error_mentioning;

std::vector<float> ramp(size_t count, float start) {
  std::vector<float> values(count);
  for (size_t i = 0; i < count; ++i)
    values[i] = start + 0.25f * static_cast<float>(i);
  return values;
}

TEST(SafetensorsDevice, TensorsRoundTripThroughFile) {
  TempDir dir;
  Safetensors file;
  file.metadata["preset"] = "tiny64";
  const Tensor weight = Tensor::from_host({3, 5, 3, 3}, ramp(135, -7.0f));
  const Tensor scalar = Tensor::from_host({}, ramp(1, 42.0f));
  file.tensors["conv.weight"] = download(weight);
  file.tensors["step"] = download(scalar);
  write_safetensors(dir / "model.safetensors", file);

  const Safetensors read = read_safetensors(dir / "model.safetensors");
  const Tensor weight_back = upload(read.at("conv.weight"));
  EXPECT_EQ(weight_back.shape(), weight.shape());
  EXPECT_EQ(weight_back.to_host(), weight.to_host());
  EXPECT_EQ(upload(read.at("step")).item(), 42.0f);
}

TEST(SafetensorsDevice, UploadRejectsDataNotMatchingShape) {
  EXPECT_TRUE(throws_error_mentioning(
      [] {
        upload(HostTensor{{2, 2}, {1.0f, 2.0f}});
      },
      {"2 values", "[2, 2]"}));
}

TEST(SafetensorsDevice, LoadIntoOverwritesEveryHandle) {
  Tensor parameter = Tensor::zeros({2, 3});
  const Tensor other_handle = parameter;
  Safetensors file;
  file.tensors["w"] = {{2, 3}, ramp(6, 1.0f)};
  load_into(parameter, file, "w");
  EXPECT_EQ(other_handle.to_host(), ramp(6, 1.0f));
}

TEST(SafetensorsDevice, LoadIntoNamesCheckpointAndTensorOnMismatch) {
  Tensor parameter = Tensor::zeros({2, 3});
  Safetensors file;
  file.source = "/ckpt/model.safetensors";
  file.tensors["w"] = {{3, 2}, ramp(6, 1.0f)};
  EXPECT_TRUE(throws_error_mentioning(
      [&] { load_into(parameter, file, "w"); },
      {"checkpoint /ckpt/model.safetensors: tensor 'w' has shape [3, 2], expected [2, 3]"}));
  EXPECT_TRUE(throws_error_mentioning([&] { load_into(parameter, file, "b"); },
                                      {"/ckpt/model.safetensors has no tensor 'b'"}));
  EXPECT_EQ(parameter.to_host(), std::vector<float>(6, 0.0f));
}

}  // namespace
}  // namespace aegan::io
