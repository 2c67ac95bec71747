#!/usr/bin/env python3
"""PyTorch's side of bench.parity: replays the engine's training steps and compares the updates.

parity.py ROOT FOLDER [TOLERANCE]: FOLDER holds initial.safetensors and final.safetensors written
by tests/parity/parity_tool (the model's tensors before and after K steps of one stage, and the
inputs of each step). Loads the initial tensors into the networks of bench/peer.py or of the
model's bench/peer_<model>.py and runs the same K steps with torch.optim.Adam (the engine's eps;
betas 0.5, 0.999 but for DE-GAN's VAE) as the model pages (docs/models/aegan.md, dcgan.md,
denoiser.md, degan.md) describe each stage, once in float64 (the reference) and once in float32.
For every tensor whose update d is not zero it prints ||d_engine - d_torch|| / ||d_torch|| and
fails (exit 1) above TOLERANCE (default 0.01), or when the engine changed a tensor that PyTorch
did not (a frozen network that moved).
Left out: convolution biases ahead of a training-mode BN (their gradient is rounding noise), and
tensors whose update PyTorch's own float32 replay misses by more than 30 % of the tolerance: in
AEGAN's adversarial stages many elements have gradients at the level of rounding, and Adam's
early steps, nearly sign(gradient), turn them into full steps either way.
"""

import json
import struct
import sys

import torch
from torch import nn


def read_safetensors(path):
    with open(path, "rb") as f:
        size = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(size))
        data = f.read()
    metadata = header.pop("__metadata__", {})
    tensors = {}
    for name, info in header.items():
        assert info["dtype"] == "F32", (name, info["dtype"])
        begin, end = info["data_offsets"]
        values = torch.frombuffer(bytearray(data[begin:end]), dtype=torch.float32)
        tensors[name] = values.reshape(info["shape"]).clone()
    return metadata, tensors


def bce(logits, target):
    return nn.functional.binary_cross_entropy_with_logits(logits, torch.full_like(logits, target))


def l1(a, b):
    return (a - b).abs().mean()


def trainable(net, flag):
    for p in net.parameters():
        p.requires_grad_(flag)


EPS = 1e-8  # Adam's, from the engine's metadata


def adam(lr, *nets, betas=(0.5, 0.999)):
    params = [p for net in nets for p in net.parameters()]
    return torch.optim.Adam(params, lr=lr, betas=betas, eps=EPS)


def minimise(optimizer, loss):
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()


def real_fake(d, real, fake):
    """BCE(D(real), 1) + BCE(D(fake), 0), two passes (two sets of BN statistics)."""
    return bce(d(real), 1.0) + bce(d(fake), 0.0)


def dcgan_stage(nets, stage, lr, lam=None):
    """docs/models/dcgan.md: a D step, then a G step through a frozen D, on the same fake batch."""
    g, d = nets["g"], nets["d"]
    nets.train()
    opt_d, opt_g = adam(lr, d), adam(lr, g)

    def step(x, z):
        fake = g(z)
        minimise(opt_d, real_fake(d, x, fake.detach()))
        trainable(d, False)
        minimise(opt_g, bce(d(fake), 1.0))
        trainable(d, True)

    return step


def denoiser_updates(d_r, phi, opt_d_r, opt_phi, x, x_hat, lam):
    """AEGAN's stage-2 image GAN on generated images x_hat: a D_R step, then a phi step."""
    denoised = phi(x_hat)
    minimise(opt_d_r, real_fake(d_r, x, denoised.detach()))
    trainable(d_r, False)
    minimise(opt_phi, bce(d_r(denoised), 1.0) + lam * l1(denoised, x_hat))
    trainable(d_r, True)


def aegan_stage(nets, stage, lr, lam=100.0):
    """docs/models/aegan.md's three stages; phi's dropout is off on both sides (see parity_tool)."""
    h, f, g_e, d_e, d_r, phi = (nets[n] for n in ("h", "f", "g_e", "d_e", "d_r", "phi"))
    nets.train()
    if stage == 1:
        opt = adam(lr, h, f)

        def step(x, z):
            minimise(opt, l1(f(h(x)), x))

        return step
    if stage == 2:
        # H and F frozen: evaluation mode, no gradients.
        for net in (h, f):
            net.eval()
            trainable(net, False)
        opts = {n: adam(lr, nets[n]) for n in ("d_e", "g_e", "d_r", "phi")}

        def step(x, z):
            with torch.no_grad():
                real = h(x)
            fake = g_e(z)
            minimise(opts["d_e"], real_fake(d_e, real, fake.detach()))
            trainable(d_e, False)
            minimise(opts["g_e"], bce(d_e(fake), 1.0))
            trainable(d_e, True)
            with torch.no_grad():
                x_hat = f(fake)
            denoiser_updates(d_r, phi, opts["d_r"], opts["phi"], x, x_hat, lam)

        return step
    # Stage 3: both discriminators, then every generator on one summed loss.
    opt_d_e, opt_d_r = adam(lr, d_e), adam(lr, d_r)
    opt_gen = adam(lr, h, f, g_e, phi)

    def step(x, z):
        real = h(x)
        reconstruction = f(real)
        fake = g_e(z)
        x_hat = f(fake)
        denoised = phi(x_hat)
        minimise(opt_d_e, real_fake(d_e, real.detach(), fake.detach()))
        minimise(opt_d_r, real_fake(d_r, x, denoised.detach()))
        trainable(d_e, False)
        trainable(d_r, False)
        total = (l1(reconstruction, x) + bce(d_e(fake), 1.0) + bce(d_r(denoised), 1.0)
                 + lam * l1(denoised, x_hat.detach()))
        minimise(opt_gen, total)
        trainable(d_e, True)
        trainable(d_r, True)

    return step


def denoiser_stage(nets, stage, lr, lam=100.0):
    """docs/models/denoiser.md: AEGAN's D_R and phi updates on a frozen generator's G(z)."""
    d_r, phi, base = nets["d_r"], nets["phi"], nets["base"]
    nets.train()
    base.eval()
    trainable(base, False)
    opt_d_r, opt_phi = adam(lr, d_r), adam(lr, phi)

    def step(x, z):
        with torch.no_grad():
            x_hat = base["g"](z)
        denoiser_updates(d_r, phi, opt_d_r, opt_phi, x, x_hat, lam)

    return step


def degan_stage(nets, stage, lr, lam=None):
    """docs/models/degan.md: the VAE step, or a D step and a G step on the decoder-encoder noise,
    with the reparameterisation noise eps the engine drew for the step."""
    import peer_degan
    peer_degan.prepare(nets, stage)
    if stage == 1:
        opt = adam(lr, nets["vae_enc"], nets["vae_dec"], betas=peer_degan.VAE_BETAS)

        def step(x, z, eps):
            minimise(opt, peer_degan.vae_loss(nets, x, eps))

        return step
    opt_d, opt_g = adam(lr, nets["d"]), adam(lr, nets["g"])

    def step(x, z, eps):
        noise = peer_degan.decoder_encoder_noise(nets, z, eps)
        peer_degan.gan_updates(nets, opt_d, opt_g, x, noise)

    return step


def stackgan_stage(nets, stage, lr, lam=None):
    """docs/models/stackgan.md: a step of every D_i, one G step, then G's weight average."""
    import peer_stackgan
    nets.train()
    names = [n for n in nets if n.startswith("d")]
    opts_d = [adam(lr, nets[n]) for n in names]
    opt_g = adam(lr, nets["g"])

    def step(x, z):
        peer_stackgan.gan_updates(nets, opts_d, opt_g, x, z)
        nets["g_ema"].update(nets["g"])

    return step


def without_dropout(nets):
    for module in nets.modules():
        if isinstance(module, nn.Dropout):
            module.p = 0.0
    return nets


def build(metadata):
    model = metadata.get("model", "aegan")
    import peer
    import peer_dcgan
    if model == "dcgan":
        return peer_dcgan.build(metadata["preset"]), dcgan_stage
    if model == "stackgan":
        import peer_stackgan
        return peer_stackgan.build(metadata["preset"]), stackgan_stage
    if model == "degan":
        import peer_degan
        return without_dropout(peer_degan.build(metadata["preset"])), degan_stage
    if model == "denoiser":
        # phi and D_R as AEGAN's preset of the same name builds them; the generator is a DCGAN.
        assert metadata["base.model"] == "dcgan", metadata["base.model"]
        aegan = peer.build(metadata["preset"])
        nets = nn.ModuleDict({"d_r": aegan["d_r"], "phi": aegan["phi"],
                              "base": peer_dcgan.build(metadata["base.preset"])})
        return without_dropout(nets), denoiser_stage
    return without_dropout(peer.build(metadata["preset"])), aegan_stage


NOISE_SHARE = 0.3  # of the tolerance: float32 PyTorch's error above which a tensor is left out


AVERAGE = "g_ema."  # StackGAN-v2's weight average: PyTorch's buffer names hold "__" for "."


def engine_name(name):
    if not name.startswith(AVERAGE):
        return name
    return AVERAGE + name[len(AVERAGE):].replace("__", ".")


def peer_name(name):
    if not name.startswith(AVERAGE):
        return name
    return AVERAGE + name[len(AVERAGE):].replace(".", "__")


def replay(metadata, initial, state, stage, steps, lr, dtype):
    """The final tensors after `steps` steps of `stage` from `state`, computed in `dtype`."""
    nets, stage_of = build(metadata)
    own = {engine_name(k) for k in nets.state_dict() if not k.endswith("num_batches_tracked")}
    assert own == set(state), own ^ set(state)
    nets.load_state_dict({peer_name(k): v for k, v in state.items()}, strict=False)
    nets.to(dtype)
    step = stage_of(nets, stage, lr, float(metadata.get("lambda", "100")))
    for k in range(steps):
        inputs = [initial[f"input.{name}.{k}"] for name in ("x", "z", "eps")
                  if f"input.{name}.{k}" in initial]
        step(*(tensor.to(dtype) for tensor in inputs))
    return {engine_name(name): tensor.float() for name, tensor in nets.state_dict().items()}


def main(argv):
    root, folder = argv[0], argv[1]
    tolerance = float(argv[2]) if len(argv) > 2 else 0.01
    sys.path.insert(0, f"{root}/bench")
    torch.manual_seed(0)
    torch.use_deterministic_algorithms(True)
    metadata, initial = read_safetensors(f"{folder}/initial.safetensors")
    _, final = read_safetensors(f"{folder}/final.safetensors")
    global EPS
    EPS = float(metadata.get("eps", "1e-8"))
    state = {k: v for k, v in initial.items() if not k.startswith("input.")}
    stage, steps, lr = int(metadata["stage"]), int(metadata["steps"]), float(metadata["lr"])
    # The exact update is PyTorch's in float64 (rounded to float32 at the end, as the engine
    # stores the weights). A GAN's step is noisy in float32: Adam's first steps are nearly
    # sign(gradient) whatever the gradient's size, so an element whose gradient is at the level
    # of rounding moves a full step either way. PyTorch's own float32 replay shows how far a
    # correct float32 implementation lands from the exact update, tensor by tensor; a tensor it
    # misses by more than NOISE_SHARE of the tolerance says nothing about the engine.
    exact = replay(metadata, initial, state, stage, steps, lr, torch.float64)
    single = replay(metadata, initial, state, stage, steps, lr, torch.float32)
    worst, worst_name, worst_noise, failures, moved, skipped, noisy = 0.0, None, 0.0, [], 0, 0, []
    for name in sorted(state):
        # A convolution's bias ahead of a training-mode BN has a gradient of zero but for rounding,
        # which Adam scales up to full-sized steps of random sign: nothing to compare.
        if name.endswith(".conv.bias") and name[: -len("conv.bias")] + "bn.weight" in state:
            skipped += 1
            continue
        ours = final[name] - state[name]
        theirs = exact[name] - state[name]
        norm = theirs.double().norm().item()
        if norm == 0.0:
            if ours.abs().max().item() != 0.0:
                failures.append(f"{name}: the engine changed it, PyTorch did not")
            continue
        noise = (single[name] - exact[name]).double().norm().item() / norm
        worst_noise = max(worst_noise, noise)
        if noise > tolerance * NOISE_SHARE:
            noisy.append(name)
            continue
        moved += 1
        error = (ours - theirs).double().norm().item() / norm
        if error > worst:
            worst, worst_name = error, name
        if error > tolerance:
            failures.append(f"{name}: relative error {error:.3g} (PyTorch float32: {noise:.3g})")
    print(f"{metadata.get('model', 'aegan')} {metadata['preset']} stage {stage}, {steps} steps: "
          f"{moved} tensors compared ({skipped} biases before BN and {len(noisy)} updates that "
          f"float32 cannot resolve left out), worst relative error "
          f"{worst:.3g} ({worst_name}); PyTorch float32's worst {worst_noise:.3g}")
    for failure in failures[:20]:
        print("  FAIL", failure)
    return 1 if failures or moved == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
