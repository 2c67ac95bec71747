#include "nets/models/aegan/steps.hpp"

#include "engine/autograd.hpp"
#include "engine/ops.hpp"

namespace aegan::train {
namespace {

// BCE(D_R(phi(x_hat)), 1) + lambda * mean |phi(x_hat) - x_hat|, x_hat a constant target. The
// caller keeps D_R frozen until the loss has been back-propagated.
Tensor denoiser_loss(nn::Module& d_r, const Tensor& denoised, const Tensor& x_hat, double lambda,
                     StepLosses& losses) {
  const Tensor adversarial = ops::bce_with_logits(d_r.forward(denoised), 1.0f);
  const Tensor l1 = ops::l1_loss(denoised, x_hat.detach());
  losses.check(adversarial, "phi_adv");
  losses.check(l1, "phi_l1");
  return ops::add(adversarial, ops::scale(l1, static_cast<float>(lambda)));
}

}  // namespace

Optimizers make_optimizers(Aegan& model, int stage, const TrainConfig& config) {
  const double lr = config.schedule(stage).lr;
  Optimizers out;
  if (stage == 1) {
    out.push_back(make_optimizer("ae", {{"h", &model.h()}, {"f", &model.f()}}, lr, config));
    if (config.phi_warm_start != PhiWarmStart::none) {
      out.push_back(make_optimizer("phi", {{"phi", &model.phi()}}, lr, config));
    }
  } else if (stage == 2) {
    out.push_back(make_optimizer("d_e", {{"d_e", &model.d_e()}}, lr, config));
    out.push_back(make_optimizer("g_e", {{"g_e", &model.g_e()}}, lr, config));
    out.push_back(make_optimizer("d_r", {{"d_r", &model.d_r()}}, lr, config));
    out.push_back(make_optimizer("phi", {{"phi", &model.phi()}}, lr, config));
  } else {
    out.push_back(make_optimizer("d_e", {{"d_e", &model.d_e()}}, lr, config));
    out.push_back(make_optimizer("d_r", {{"d_r", &model.d_r()}}, lr, config));
    out.push_back(make_optimizer(
        "generators",
        {{"h", &model.h()}, {"f", &model.f()}, {"g_e", &model.g_e()}, {"phi", &model.phi()}}, lr,
        config));
  }
  return out;
}

void prepare_stage(Aegan& model, int stage) {
  model.set_training(true);
  for (auto [name, net] : model.networks())
    net->set_trainable(true);
  if (stage == 2) {
    for (nn::Module* frozen : std::initializer_list<nn::Module*>{&model.h(), &model.f()}) {
      frozen->set_training(false);
      frozen->set_trainable(false);
    }
  }
}

LossValues autoencoder_step(Aegan& model, Optimizers& optimizers, const Tensor& x,
                            PhiWarmStart phi_warm_start) {
  StepLosses losses;
  const Tensor reconstruction = model.f().forward(model.h().forward(x));
  losses.minimise(ops::l1_loss(reconstruction, x), "ae", adam(optimizers, "ae"));
  if (phi_warm_start == PhiWarmStart::none) return losses.values();
  // phi learns to give back real images, from themselves or from the autoencoder's version of
  // them, so that stage 2 starts it near the images it is to make.
  const Tensor input = phi_warm_start == PhiWarmStart::identity ? x : reconstruction.detach();
  losses.minimise(ops::l1_loss(model.phi().forward(input), x), "phi_warm", adam(optimizers, "phi"));
  return losses.values();
}

LossValues gan_step(Aegan& model, Optimizers& optimizers, const Tensor& x, const Tensor& z,
                    double lambda) {
  StepLosses losses;
  Tensor real_embedding;
  {
    NoGradGuard no_grad;
    real_embedding = model.h().forward(x);
  }
  // One G_E pass serves both players: D_E sees it detached, G_E's loss keeps its graph.
  const Tensor fake_embedding = model.g_e().forward(z);
  losses.minimise(real_fake_loss(model.d_e(), real_embedding, fake_embedding.detach()), "d_e",
                  adam(optimizers, "d_e"));
  {
    Frozen frozen(model.d_e());
    losses.minimise(ops::bce_with_logits(model.d_e().forward(fake_embedding), 1.0f), "g_e",
                    adam(optimizers, "g_e"));
  }

  Tensor x_hat;
  {
    NoGradGuard no_grad;
    x_hat = model.f().forward(fake_embedding.detach());
  }
  denoiser_updates(model.phi(), model.d_r(), optimizers, x, x_hat, lambda, losses);
  return losses.values();
}

void denoiser_updates(nn::Module& phi, nn::Module& d_r, Optimizers& optimizers, const Tensor& x,
                      const Tensor& x_hat, double lambda, StepLosses& losses) {
  const Tensor denoised = phi.forward(x_hat);
  losses.minimise(real_fake_loss(d_r, x, denoised.detach()), "d_r", adam(optimizers, "d_r"));
  Frozen frozen(d_r);
  losses.minimise(denoiser_loss(d_r, denoised, x_hat, lambda, losses), "phi",
                  adam(optimizers, "phi"));
}

LossValues finetune_step(Aegan& model, Optimizers& optimizers, const Tensor& x, const Tensor& z,
                         double lambda) {
  StepLosses losses;
  const Tensor real_embedding = model.h().forward(x);
  const Tensor reconstruction = model.f().forward(real_embedding);
  const Tensor fake_embedding = model.g_e().forward(z);
  const Tensor x_hat = model.f().forward(fake_embedding);
  const Tensor denoised = model.phi().forward(x_hat);

  losses.minimise(real_fake_loss(model.d_e(), real_embedding.detach(), fake_embedding.detach()),
                  "d_e", adam(optimizers, "d_e"));
  losses.minimise(real_fake_loss(model.d_r(), x, denoised.detach()), "d_r",
                  adam(optimizers, "d_r"));

  Frozen frozen_d_e(model.d_e()), frozen_d_r(model.d_r());
  const Tensor autoencoder = ops::l1_loss(reconstruction, x);
  losses.check(autoencoder, "ae");
  const Tensor embedding_adversarial =
      ops::bce_with_logits(model.d_e().forward(fake_embedding), 1.0f);
  losses.check(embedding_adversarial, "g_e");
  const Tensor total = ops::add(ops::add(autoencoder, embedding_adversarial),
                                denoiser_loss(model.d_r(), denoised, x_hat, lambda, losses));
  losses.minimise(total, "total", adam(optimizers, "generators"));
  return losses.values();
}

}  // namespace aegan::train
