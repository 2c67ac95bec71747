#!/usr/bin/env python3
"""PyTorch's side of bench.parity: replays the engine's training steps and compares the updates.

parity.py ROOT FOLDER [--each] [TOLERANCE]: FOLDER holds what tests/parity/parity_tool wrote:
initial.safetensors (the model's tensors before K steps of one stage, and the inputs of each
step), step<k>.safetensors after each step (tensors, Adam's moments and step counts) and
final.safetensors. Loads the initial tensors into the networks of bench/peer.py or of the model's
bench/peer_<model>.py and runs the same K steps with torch.optim.Adam (the engine's eps; betas
0.5, 0.999 but for DE-GAN's VAE) as the model pages (docs/models/aegan.md, dcgan.md,
denoiser.md, degan.md, stackgan.md) describe each stage, once in float64 (the reference) and once
in float32. With --each, every step k starts instead from the engine's state after step k - 1
(weights, statistics and Adam's moments) and is compared with the engine's step k: each update
is checked on its own, without the differences of earlier steps, which an adversarial stage
amplifies from float32 rounding into percents within 2 or 3 steps.
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
CREATED = []  # every optimiser adam() made, for replay() to give them the engine's moments


def adam(lr, *nets, betas=(0.5, 0.999)):
    params = [p for net in nets for p in net.parameters()]
    optimizer = torch.optim.Adam(params, lr=lr, betas=betas, eps=EPS)
    CREATED.append(optimizer)
    return optimizer


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
KINK_FACTOR = 3  # see compare_moments
RULE_TOLERANCE = 1e-3  # the engine's float32 Adam update against the same update in float64


AVERAGE = "g_ema."  # StackGAN-v2's weight average: PyTorch's buffer names hold "__" for "."


def engine_name(name):
    if not name.startswith(AVERAGE):
        return name
    return AVERAGE + name[len(AVERAGE):].replace("__", ".")


def peer_name(name):
    if not name.startswith(AVERAGE):
        return name
    return AVERAGE + name[len(AVERAGE):].replace(".", "__")


def engine_moments(tensors):
    """{parameter: (optimiser, exp_avg, exp_avg_sq)} of a parity_tool checkpoint's Adam moments,
    "optim.<optimiser>.<parameter>.exp_avg" and "...exp_avg_sq"."""
    out = {}
    for key, tensor in tensors.items():
        if key.startswith("optim.") and key.endswith(".exp_avg"):
            optimizer, parameter = key[len("optim."):-len(".exp_avg")].split(".", 1)
            out[parameter] = (optimizer, tensor, tensors[key + "_sq"])
    return out


def load_moments(nets, checkpoint, dtype):
    """Gives each optimiser of the stage the engine's Adam state from a parity_tool checkpoint:
    its moments and each parameter's step count (in the training metadata)."""
    metadata, tensors = checkpoint
    counts = {}
    for optimizer, steps in json.loads(metadata["aegan_vk.training"])["optimizers"].items():
        assert len(set(steps)) == 1, (optimizer, steps)  # one count per parameter, all alike here
        counts[optimizer] = steps[0]
    names = {id(p): name for name, p in nets.named_parameters()}
    moments = engine_moments(tensors)
    for created in CREATED:
        for group in created.param_groups:
            for p in group["params"]:
                optimizer, exp_avg, exp_avg_sq = moments[names[id(p)]]
                created.state[p] = {"step": torch.tensor(float(counts[optimizer])),
                                    "exp_avg": exp_avg.to(dtype).clone(),
                                    "exp_avg_sq": exp_avg_sq.to(dtype).clone()}


def replay(metadata, initial, state, stage, steps, lr, dtype, first=0, checkpoint=None):
    """The tensors after steps first .. first + steps - 1 of `stage` from `state` (and Adam's state
    of `checkpoint`, else fresh optimisers), computed in `dtype`, and Adam's state after them,
    {parameter: (exp_avg, exp_avg_sq, beta1, beta2, step count, lr)}."""
    nets, stage_of = build(metadata)
    own = {engine_name(k) for k in nets.state_dict() if not k.endswith("num_batches_tracked")}
    assert own == set(state), own ^ set(state)
    nets.load_state_dict({peer_name(k): v for k, v in state.items()}, strict=False)
    nets.to(dtype)
    CREATED.clear()
    step = stage_of(nets, stage, lr, float(metadata.get("lambda", "100")))
    if checkpoint:
        load_moments(nets, checkpoint, dtype)
    for k in range(first, first + steps):
        inputs = [initial[f"input.{name}.{k}"] for name in ("x", "z", "eps")
                  if f"input.{name}.{k}" in initial]
        step(*(tensor.to(dtype) for tensor in inputs))
    names = {id(p): name for name, p in nets.named_parameters()}
    moments = {}
    for created in CREATED:
        for group in created.param_groups:
            for p in group["params"]:
                adam_state = created.state[p]
                moments[names[id(p)]] = (adam_state["exp_avg"].float(),
                                         adam_state["exp_avg_sq"].float(), *group["betas"],
                                         int(adam_state["step"].item()), group["lr"])
    tensors = {engine_name(name): tensor.float() for name, tensor in nets.state_dict().items()}
    return tensors, moments


def beyond_rounding(weights, exact):
    """|weights - exact| less one float32 ulp of the exact weights, element by element: stored in
    float32, a weight moved by an update of a few ulps (stage 3's small learning rate) is off by
    up to an ulp from the rounding of its sum alone, which is no difference in the update."""
    exact = exact.double()
    ulp = (torch.nextafter(exact.abs().float(), torch.tensor(float("inf"))).double() - exact.abs())
    return ((weights.double() - exact).abs() - ulp).clamp(min=0.0)


def skipped_bias(name, state):
    """A convolution's bias ahead of a training-mode BN has a gradient of zero but for rounding,
    which Adam scales up to full-sized steps of random sign: nothing to compare."""
    return name.endswith(".conv.bias") and name[: -len("conv.bias")] + "bn.weight" in state


def compare(state, final, exact, single, tolerance, names=None):
    """Compares the engine's update final - state with the exact one, tensor by tensor (those of
    `names`, else all): a line of figures and the failures."""
    worst, worst_name, worst_noise, failures, moved, skipped, noisy = 0.0, None, 0.0, [], 0, 0, []
    for name in sorted(state if names is None else names):
        if skipped_bias(name, state):
            skipped += 1
            continue
        ours = final[name] - state[name]
        theirs = exact[name] - state[name]
        norm = theirs.double().norm().item()
        if norm == 0.0:
            if ours.abs().max().item() != 0.0:
                failures.append(f"{name}: the engine changed it, PyTorch did not")
            continue
        noise = beyond_rounding(single[name], exact[name]).norm().item() / norm
        worst_noise = max(worst_noise, noise)
        if noise > tolerance * NOISE_SHARE:
            noisy.append(name)
            continue
        moved += 1
        error = beyond_rounding(final[name], exact[name]).norm().item() / norm
        if error > worst:
            worst, worst_name = error, name
        if error > tolerance:
            failures.append(f"{name}: relative error {error:.3g} (PyTorch float32: {noise:.3g})")
    if moved == 0:
        failures.append("no tensor compared")
    line = (f"{moved} tensors compared ({skipped} biases before BN and {len(noisy)} updates that "
            f"float32 cannot resolve left out), worst relative error {worst:.3g} ({worst_name}); "
            f"PyTorch float32's worst {worst_noise:.3g}")
    return line, failures


def compare_moments(state, before, after, exact, single, tolerance):
    """Each parameter's gradient g and g^2 of one step, as Adam's moments hold them: the engine's
    moments `after` against PyTorch's (exact, single), all from the moments `before` (None: zero),
    m = beta1 m_before + (1 - beta1) g and v likewise with beta2 and g^2. A line and failures."""
    worst, worst_name, failures, compared, noisy = 0.0, None, [], 0, 0
    ours = engine_moments(after)
    previous = engine_moments(before) if before else {}
    for name, (m, v, beta1, beta2, _, _) in sorted(exact.items()):
        if skipped_bias(name, state):
            continue
        m_before, v_before = previous[name][1:] if previous else (0.0 * m, 0.0 * v)
        for moment, beta, mine, old, float32 in (
                ("g", beta1, ours[name][1], m_before, single[name][0]),
                ("g^2", beta2, ours[name][2], v_before, single[name][1])):
            reference = m if moment == "g" else v
            norm = (reference.double() - beta * old.double()).norm().item()
            if norm == 0.0:
                continue
            # Where PyTorch's own float32 gradient is off (a kink that its rounding put on the
            # other side), the engine may be off as far: the tolerance grows by KINK_FACTOR times
            # PyTorch's error.
            noise = (float32 - reference).double().norm().item() / norm
            allowed = tolerance
            if noise > tolerance * NOISE_SHARE:
                noisy += 1
                allowed += KINK_FACTOR * noise
            compared += 1
            error = (mine - reference).double().norm().item() / norm
            if error > worst:
                worst, worst_name = error, f"{name} {moment}"
            if error > allowed:
                failures.append(f"{name}: {moment}'s relative error {error:.3g} (PyTorch float32: "
                                f"{noise:.3g})")
    if compared == 0:
        failures.append("no gradient compared")
    line = (f"gradients: {compared} compared, worst relative error {worst:.3g} ({worst_name}), "
            f"{noisy} where PyTorch float32 is off by more than {tolerance * NOISE_SHARE:.2g}")
    return line, failures


def compare_rule(state, after, engine, exact, tolerance):
    """Each trained parameter after the step against Adam's update of the engine's own moments
    (with PyTorch's learning rate, betas, eps and step count): w - lr m^ / (sqrt(v^) + eps)."""
    worst, worst_name, failures = 0.0, None, []
    ours = engine_moments(engine)
    for name, (_, _, beta1, beta2, count, lr) in sorted(exact.items()):
        m, v = (tensor.double() for tensor in ours[name][1:])
        update = -lr * (m / (1 - beta1**count)) / ((v / (1 - beta2**count)).sqrt() + EPS)
        norm = update.norm().item()
        if norm == 0.0:
            continue
        error = beyond_rounding(after[name], state[name].double() + update).norm().item() / norm
        if error > worst:
            worst, worst_name = error, name
        if error > tolerance:
            failures.append(f"{name}: the update is {error:.3g} off Adam's of the moments")
    line = f"updates: worst relative error {worst:.3g} from Adam's of the moments ({worst_name})"
    return line, failures


def compare_average(state, after, tolerance):
    """StackGAN-v2's weight average after the step against its rule applied to the engine's own
    new weights of G: a = decay a + (1 - decay) p."""
    import peer_stackgan
    decay = peer_stackgan.AVERAGE_DECAY
    worst, worst_name, failures = 0.0, None, []
    for name in sorted(n for n in state if n.startswith(AVERAGE)):
        weights = after["g." + name[len(AVERAGE):]].double()
        average = decay * state[name].double() + (1 - decay) * weights
        norm = (average - state[name].double()).norm().item()
        if norm == 0.0:
            continue
        error = beyond_rounding(after[name], average).norm().item() / norm
        if error > worst:
            worst, worst_name = error, name
        if error > tolerance:
            failures.append(f"{name}: {error:.3g} off the average of the engine's weights")
    return f"average: worst relative error {worst:.3g} ({worst_name})", failures


def main(argv):
    each = "--each" in argv
    argv = [a for a in argv if a != "--each"]
    root, folder = argv[0], argv[1]
    tolerance = float(argv[2]) if len(argv) > 2 else 0.01
    sys.path.insert(0, f"{root}/bench")
    torch.manual_seed(0)
    torch.use_deterministic_algorithms(True)
    metadata, initial = read_safetensors(f"{folder}/initial.safetensors")
    global EPS
    EPS = float(metadata.get("eps", "1e-8"))
    state = {k: v for k, v in initial.items() if not k.startswith("input.")}
    stage, steps, lr = int(metadata["stage"]), int(metadata["steps"]), float(metadata["lr"])
    title = f"{metadata.get('model', 'aegan')} {metadata['preset']} stage {stage}"
    # The exact update is PyTorch's in float64 (rounded to float32 at the end, as the engine
    # stores the weights). A GAN's step is noisy in float32: Adam's first steps are nearly
    # sign(gradient) whatever the gradient's size, so an element whose gradient is at the level
    # of rounding moves a full step either way. PyTorch's own float32 replay shows how far a
    # correct float32 implementation lands from the exact update, tensor by tensor; a tensor it
    # misses by more than NOISE_SHARE of the tolerance says nothing about the engine.
    if not each:
        _, final = read_safetensors(f"{folder}/final.safetensors")
        exact, _ = replay(metadata, initial, state, stage, steps, lr, torch.float64)
        single, _ = replay(metadata, initial, state, stage, steps, lr, torch.float32)
        line, failures = compare(state, final, exact, single, tolerance)
        print(f"{title}, {steps} steps: {line}")
    else:
        failures, checkpoint = [], None
        for k in range(steps):
            engine = read_safetensors(f"{folder}/step{k}.safetensors")
            after = {name: engine[1][name] for name in state}
            (exact, exact_moments), (single, single_moments) = (
                replay(metadata, initial, state, stage, 1, lr, dtype, k, checkpoint)
                for dtype in (torch.float64, torch.float32))
            # Trained parameters through their gradients and Adam's rule; the rest (statistics,
            # averages, frozen networks) as they are.
            others = [name for name in state
                      if name not in exact_moments and not name.startswith(AVERAGE)]
            line, failed = compare(state, after, exact, single, tolerance, others)
            gradients, wrong = compare_moments(state, checkpoint[1] if checkpoint else None,
                                               engine[1], exact_moments, single_moments,
                                               tolerance)
            rule, off = compare_rule(state, after, engine[1], exact_moments, RULE_TOLERANCE)
            if any(name.startswith(AVERAGE) for name in state):
                average, astray = compare_average(state, after, RULE_TOLERANCE)
                rule += f"; {average}"
                off += astray
            print(f"{title}, step {k + 1} of {steps} from the engine's state: {gradients}; {rule}; "
                  f"other tensors: {line}")
            failures += [f"step {k + 1}: {failure}" for failure in wrong + off + failed]
            state, checkpoint = after, engine
    for failure in failures[:20]:
        print("  FAIL", failure)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
