#!/usr/bin/env python3
"""AEGAN in PyTorch, built from docs/models/aegan.md alone, to time against `aegan-vk bench train`.

Times the same three figures as the engine's benchmark: step 1 (autoencoder H, F: L1 + Adam),
step 2 (D_E, G_E, D_R, phi, in that order) and inference phi(F(G_E(z))) in eval mode. Each
figure runs `--warmup` untimed iterations, then `--steps` timed ones (or as many as fit in
`--seconds`), the device synchronised after each. Writes JSON (to stdout, or --json FILE) with
the same fields as the engine's report, and the element counts of every network's parameters
and buffers so that a test can check that both build the same model.

With --conv-shapes FILE (written by `aegan-vk bench ops --peer`) it times single convolutions
instead: each pass (forward, backward-data, backward-weight) of each layer shape listed, as the
engine's `bench ops` times its kernels. Exit status 3: PyTorch is not installed; 4: the --device
is not available.
"""

import argparse
from collections import OrderedDict
import json
import math
import os
import sys
import time

PRESETS = {
    # r, es, ec, w, nz (docs/models/aegan.md, "Sizes and presets"; nets/models/aegan/preset.cpp)
    "paper512": dict(r=512, es=32, ec=64, w=64, nz=100),
    "tiny64": dict(r=64, es=16, ec=16, w=16, nz=100),
}
FIGURES = ("autoencoder", "gan", "inference")
INSTALL_HINT = "Debian 12: apt-get install python3-torch libopenblas0"


def fail(message, status=2):
    print(f"peer.py: error: {message}", file=sys.stderr)
    sys.exit(status)


try:
    import torch
    from torch import nn
except ImportError:
    fail(f"PyTorch is not installed for {sys.executable} ({INSTALL_HINT})", 3)


def uniform(generator, device, *shape):
    """Uniform in [-1, 1), drawn on the CPU from `generator` (the same values on every device)."""
    return (torch.rand(*shape, generator=generator) * 2 - 1).to(device)


def log2(value):
    return int(math.log2(value))


class ResBlock(nn.Module):
    """x + BN(conv3x3(ReLU(BN(conv3x3(x))))), reflection padding, no biases."""

    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        pad = nn.functional.pad
        h = torch.relu(self.bn1(self.conv1(pad(x, (1, 1, 1, 1), mode="reflect"))))
        return x + self.bn2(self.conv2(pad(h, (1, 1, 1, 1), mode="reflect")))


class Layer(nn.Module):
    """One named layer: optional activation, conv, BN, dropout, activation, residual block."""

    def __init__(self, conv, pre=None, bn=False, dropout=False, post=None, res=False):
        super().__init__()
        self.pre = pre
        self.conv = conv
        channels = conv.out_channels
        self.bn = nn.BatchNorm2d(channels) if bn else None
        self.dropout = nn.Dropout(0.5) if dropout else None
        self.post = post
        self.res = ResBlock(channels) if res else None

    def forward(self, x):
        for step in (self.pre, self.conv, self.bn, self.dropout, self.post, self.res):
            if step is not None:
                x = step(x)
        return x


def down(cin, cout, k=4, s=2, p=1, bias=False):
    return nn.Conv2d(cin, cout, k, s, p, bias=bias)


def up(cin, cout, k=4, s=2, p=1, bias=False):
    return nn.ConvTranspose2d(cin, cout, k, s, p, bias=bias)


def lrelu():
    return nn.LeakyReLU(0.2)


def named(layers):
    return nn.Sequential(OrderedDict(layers))


def embedding_generator(r, es, ec, w, nz):
    layers = [("up0", Layer(up(nz, 8 * w, 4, 1, 0), bn=True, post=nn.ReLU(), res=True))]
    c = 8 * w
    n = log2(es // 4)
    for j in range(1, n):
        layers.append((f"up{j}", Layer(up(c, c // 2), bn=True, post=nn.ReLU(), res=True)))
        c //= 2
    layers.append((f"up{n}", Layer(up(c, ec), post=nn.Tanh())))
    return named(layers)


def encoder(r, es, ec, w, nz):
    n = log2(r // es)
    layers = [("down0", Layer(down(3, ec), post=lrelu(), res=True))]
    for j in range(1, n - 1):
        layers.append((f"down{j}", Layer(down(ec, ec), bn=True, post=lrelu(), res=True)))
    layers.append((f"down{n - 1}", Layer(down(ec, ec), post=nn.Tanh())))
    return named(layers)


def decoder(r, es, ec, w, nz):
    n = log2(r // es)
    layers = [
        (f"up{j}", Layer(up(ec, ec), bn=True, post=nn.ReLU(), res=True)) for j in range(n - 1)
    ]
    layers.append((f"up{n - 1}", Layer(up(ec, 3), post=nn.Tanh())))
    return named(layers)


def embedding_discriminator(r, es, ec, w, nz):
    n = log2(es // 4)
    layers, c = [], ec
    for j in range(n):
        out = 8 * w // 2 ** (n - 1 - j)
        layers.append((f"down{j}", Layer(down(c, out), bn=True, post=lrelu())))
        c = out
    layers.append(("head", down(c, 1, 4, 1, 0)))
    return named(layers)


def image_discriminator(r, es, ec, w, nz):
    n = log2(r // 4)
    widths = [w] * (n - 3) + [2 * w, 4 * w, 8 * w]
    layers = [("down0", Layer(down(3, widths[0]), post=lrelu()))]
    for j in range(1, n):
        layers.append((f"down{j}", Layer(down(widths[j - 1], widths[j]), bn=True, post=lrelu())))
    layers.append(("head", down(widths[-1], 1, 4, 1, 0)))
    return named(layers)


def denoiser(r, es, ec, w, nz):
    n = log2(r)
    c = [min(w * 2**i, 8 * w) for i in range(n)]
    layers = [("enc0", Layer(down(3, c[0], bias=True)))]
    for i in range(1, n):
        conv = down(c[i - 1], c[i], bias=True)
        layers.append((f"enc{i}", Layer(conv, pre=lrelu(), bn=i <= n - 2)))
    cin = c[n - 1]
    for j in range(n):
        last = j == n - 1
        out = 3 if last else c[n - 2 - j]
        conv = up(cin, out, bias=True)
        layers.append(
            (
                f"dec{j}",
                Layer(conv, pre=nn.ReLU(), bn=not last, dropout=j <= 2,
                      post=nn.Tanh() if last else None),
            )
        )
        cin = out
    return named(layers)


BUILDERS = {
    "g_e": embedding_generator,
    "h": encoder,
    "f": decoder,
    "d_e": embedding_discriminator,
    "d_r": image_discriminator,
    "phi": denoiser,
}


def initialise(nets):
    """Conv weights ~ N(0, 0.02), BN weights ~ N(1, 0.02), biases 0 (docs/models/aegan.md)."""
    for module in nets.modules():
        if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.normal_(module.weight, 0.0, 0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.BatchNorm2d):
            nn.init.normal_(module.weight, 1.0, 0.02)
            nn.init.zeros_(module.bias)


def build(preset):
    nets = nn.ModuleDict({name: builder(**PRESETS[preset]) for name, builder in BUILDERS.items()})
    initialise(nets)
    return nets


def sizes(nets):
    """Elements of the parameters and the float buffers (BN's step counter is not state here)."""
    return [
        {
            "network": name,
            "parameters": sum(p.numel() for p in net.parameters()),
            "buffers": sum(b.numel() for b in net.buffers() if b.is_floating_point()),
        }
        for name, net in nets.items()
    ]


def adam(lr, *nets):
    params = [p for net in nets for p in net.parameters()]
    return torch.optim.Adam(params, lr=lr, betas=(0.5, 0.999), eps=1e-8)


def set_trainable(net, flag):
    for p in net.parameters():
        p.requires_grad_(flag)


def bce(logits, target):
    return nn.functional.binary_cross_entropy_with_logits(logits, torch.full_like(logits, target))


def update(optimizer, loss):
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()


def autoencoder_iteration(nets, x):
    for name in ("h", "f"):
        nets[name].train()
        set_trainable(nets[name], True)
    optimizer = adam(1e-5, nets["h"], nets["f"])

    def iteration():
        loss = (nets["f"](nets["h"](x)) - x).abs().mean()
        update(optimizer, loss)
        return [loss]

    return iteration


def gan_iteration(nets, x, z, lam=100.0):
    """H and F frozen (eval mode, no gradients); then D_E, G_E, D_R and phi, each with its Adam.
    A discriminator's weights take no gradient while its generator's loss runs through it."""
    for name in ("h", "f"):
        nets[name].eval()
        set_trainable(nets[name], False)
    for name in ("g_e", "d_e", "d_r", "phi"):
        nets[name].train()
    optimizers = {name: adam(2e-4, nets[name]) for name in ("d_e", "g_e", "d_r", "phi")}
    g_e, d_e, d_r, phi = nets["g_e"], nets["d_e"], nets["d_r"], nets["phi"]

    def iteration():
        with torch.no_grad():
            real = nets["h"](x)
        fake = g_e(z)
        loss_d_e = bce(d_e(real), 1.0) + bce(d_e(fake.detach()), 0.0)
        update(optimizers["d_e"], loss_d_e)
        set_trainable(d_e, False)
        loss_g_e = bce(d_e(fake), 1.0)
        update(optimizers["g_e"], loss_g_e)
        set_trainable(d_e, True)

        with torch.no_grad():
            x_hat = nets["f"](fake.detach())
        denoised = phi(x_hat)
        loss_d_r = bce(d_r(x), 1.0) + bce(d_r(denoised.detach()), 0.0)
        update(optimizers["d_r"], loss_d_r)
        set_trainable(d_r, False)
        loss_phi = bce(d_r(denoised), 1.0) + lam * (denoised - x_hat).abs().mean()
        update(optimizers["phi"], loss_phi)
        set_trainable(d_r, True)
        return [loss_d_e, loss_g_e, loss_d_r, loss_phi]

    return iteration


def inference_iteration(nets, z):
    for net in nets.values():
        net.eval()

    def iteration():
        with torch.no_grad():
            return [nets["phi"](nets["f"](nets["g_e"](z)))]

    return iteration


def measure(figure, batch, iteration, device, args):
    def synchronise(outputs):
        # Reading the losses back, as the engine's steps do, also waits for the device.
        for value in outputs:
            if value.dim() == 0 and not math.isfinite(value.item()):
                fail(f"{figure}: a loss is not finite")
        if device.type == "cuda":
            torch.cuda.synchronize()

    for _ in range(args.warmup):
        synchronise(iteration())
    if device.type == "cuda":
        torch.cuda.reset_peak_memory_stats()
    times = []
    while (len(times) < args.steps) if args.steps > 0 else (not times or sum(times) < args.seconds):
        start = time.perf_counter()
        synchronise(iteration())
        times.append(time.perf_counter() - start)
    mean = sum(times) / len(times)
    return {
        "figure": figure,
        "batch": batch,
        "warmup": args.warmup,
        "repetitions": len(times),
        "ms": mean * 1e3,
        "min_ms": min(times) * 1e3,
        "images_per_second": batch / mean,
        # PyTorch's CPU allocator keeps no statistics; CUDA's counts what tensors hold, like the
        # engine's memory pool.
        "peak_bytes": torch.cuda.max_memory_allocated() if device.type == "cuda" else None,
    }


def aegan_iteration(figure, nets, p, batch, generator, device):
    """The iteration that `figure` times on AEGAN's networks `nets` of preset sizes `p`."""
    if figure == "inference":
        return inference_iteration(nets, uniform(generator, device, batch, p["nz"], 1, 1))
    x = uniform(generator, device, batch, 3, p["r"], p["r"])
    if figure == "autoencoder":
        return autoencoder_iteration(nets, x)
    return gan_iteration(nets, x, uniform(generator, device, batch, p["nz"], 1, 1))


class Model:
    """What the timing needs of one model's peer: its presets (sizes by name, each with r), how
    to build its networks, its figures and the iteration each figure times."""

    def __init__(self, presets, build, figures, iteration):
        self.presets, self.build, self.figures, self.iteration = presets, build, figures, iteration


def bench_preset(model, preset, args, device):
    p = model.presets[preset]
    nets = model.build(preset).to(device)
    result = {"preset": preset, "sizes": sizes(nets), "figures": []}
    generator = torch.Generator().manual_seed(args.seed)

    for batch in args.batch:
        for figure in model.figures:
            if figure not in args.figure:
                continue
            print(f"peer: {preset} batch {batch}: {figure}", file=sys.stderr, flush=True)
            iteration = model.iteration(figure, nets, p, batch, generator, device)
            result["figures"].append(measure(figure, batch, iteration, device, args))
            # Gradients outlive a step; dropped so the next figure's peak memory excludes them.
            for parameter in nets.parameters():
                parameter.grad = None
    return result


CONV_PASSES = ("forward", "backward-data", "backward-weight")


def conv_pass(shape, batch, device, generator):
    """One closure per pass of a layer shape (the fields of bench/conv_bench.hpp's ConvShape), on
    uniform random tensors. The backward passes compute only the gradient they are named after."""
    s = shape
    cin, cout, k, stride, pad = s["cin"], s["cout"], s["k"], s["stride"], s["pad"]

    x = uniform(generator, device, batch, cin, s["in_size"], s["in_size"])
    weight = uniform(generator, device, *((cin, cout) if s["transposed"] else (cout, cin)), k, k)
    bias = uniform(generator, device, cout) if s["bias"] else None
    grad_y = uniform(generator, device, batch, cout, s["out_size"], s["out_size"])
    # A transposed convolution's output size needs the padding PyTorch cannot infer.
    extra = s["out_size"] - ((s["in_size"] - 1) * stride - 2 * pad + k) if s["transposed"] else 0
    functional = nn.functional
    backward = torch.ops.aten.convolution_backward

    def forward():
        if s["transposed"]:
            return functional.conv_transpose2d(x, weight, bias, stride, pad, extra)
        return functional.conv2d(x, weight, bias, stride, pad)

    def gradient(mask):
        return lambda: backward(grad_y, x, weight, None, [stride] * 2, [pad] * 2, [1, 1],
                                s["transposed"], [extra] * 2, 1, mask)

    output_shape = forward().shape
    if output_shape != grad_y.shape:
        fail(f"conv shape {shape}: PyTorch's output is {tuple(output_shape)}")
    return dict(zip(CONV_PASSES, (forward, gradient([True, False, False]),
                                  gradient([False, True, False]))))


def time_conv_pass(run, device, repetitions, target_seconds=0.3):
    """Seconds per run, as bench/timing.cpp times the engine's kernels: one warm-up run, one
    calibration run, then enough runs back to back for target_seconds (or `repetitions`)."""
    def timed(count):
        if device.type == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        for _ in range(count):
            run()
        if device.type == "cuda":
            torch.cuda.synchronize()
        return time.perf_counter() - start

    with torch.no_grad():
        timed(1)
        count = repetitions
        if count <= 0:
            once = timed(1)
            if once >= target_seconds:
                return 1, once
            count = min(10000, math.ceil(target_seconds / max(once, 1e-7)))
        return count, timed(count) / count


def bench_convs(path, args, device):
    with open(path, encoding="utf-8") as spec_file:
        spec = json.load(spec_file)
    generator = torch.Generator().manual_seed(args.seed)
    measurements = []
    for index, shape in enumerate(spec["shapes"]):
        print(f"peer: conv shape {index + 1}/{len(spec['shapes'])}", file=sys.stderr, flush=True)
        passes = conv_pass(shape, spec["batch"], device, generator)
        for name in CONV_PASSES:
            count, seconds = time_conv_pass(passes[name], device, spec.get("repetitions", 0))
            measurements.append({"shape": index, "pass": name, "repetitions": count,
                                 "ms": seconds * 1e3})
    return {"batch": spec["batch"], "measurements": measurements}


AEGAN = Model(PRESETS, build, FIGURES, aegan_iteration)


def write_json(report, path):
    """To the file at `path`, or to stdout where it is None."""
    text = json.dumps(report, indent=2)
    if path:
        with open(path, "w", encoding="utf-8") as out:
            out.write(text + "\n")
    else:
        print(text)


def parse_args(argv, model, description):
    parser = argparse.ArgumentParser(description=description)
    quick_preset = min(model.presets, key=lambda preset: model.presets[preset]["r"])
    parser.add_argument("--preset", choices=[*model.presets, "all"],
                        help=f"default: all, or {quick_preset} with --quick")
    parser.add_argument("--batch", type=int, action="append",
                        help="batch size, repeatable (default: 16 and 1)")
    parser.add_argument("--figure", choices=model.figures, action="append",
                        help="time only this figure, repeatable (default: all)")
    parser.add_argument("--warmup", type=int, default=1, help="untimed iterations first")
    parser.add_argument("--steps", type=int, default=0,
                        help="timed iterations (0: as many as fit in --seconds, at least one)")
    parser.add_argument("--seconds", type=float, default=20.0, help="time budget per figure")
    parser.add_argument("--quick", action="store_true",
                        help=f"{quick_preset} unless --preset is given, batch 2, one timed "
                             "iteration")
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--tf32", action="store_true",
                        help="let cuDNN convolve in TF32 (PyTorch's default on CUDA); without "
                             "it every product is float32, as in the engine")
    parser.add_argument("--threads", type=int,
                        help="CPU threads (default: OMP_NUM_THREADS, else 2)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sizes-only", action="store_true",
                        help="print the networks' parameter and buffer counts, time nothing")
    parser.add_argument("--check", action="store_true",
                        help="exit 0 when PyTorch (and the --device) can be used")
    parser.add_argument("--json", metavar="FILE", help="write the JSON here instead of stdout")
    parser.add_argument("--conv-shapes", metavar="FILE",
                        help="time the passes of the convolutions listed in FILE instead")
    args = parser.parse_args(argv)
    if args.quick:
        args.preset = args.preset or quick_preset
        args.batch = args.batch or [2]
        args.steps = args.steps or 1
    args.preset = args.preset or "all"
    args.batch = args.batch or [16, 1]
    args.figure = args.figure or list(model.figures)
    if min(args.batch) < 1 or args.warmup < 0 or args.steps < 0:
        parser.error("--batch must be positive, --warmup and --steps not negative")
    return args


def main(argv, model=None, description=__doc__.splitlines()[0]):
    """Times `model` (AEGAN's unless given) as the engine's `bench train` does, or with
    --conv-shapes single convolutions."""
    model = model or AEGAN
    args = parse_args(argv, model, description)
    if args.device == "cuda" and not torch.cuda.is_available():
        fail("--device cuda: this PyTorch has no CUDA device", 4)
    threads = args.threads or int(os.environ.get("OMP_NUM_THREADS") or 2)
    torch.set_num_threads(threads)
    device = torch.device(args.device)
    if args.device == "cuda":
        name = torch.cuda.get_device_name(device)
        # cuDNN's own autotuner, the counterpart of `bench train --tune`.
        torch.backends.cudnn.benchmark = True
        torch.backends.cudnn.allow_tf32 = args.tf32
        torch.backends.cuda.matmul.allow_tf32 = args.tf32
    else:
        name = f"CPU, {threads} thread{'' if threads == 1 else 's'}"
    if args.check:
        print(f"PyTorch {torch.__version__} on {name}")
        return
    torch.manual_seed(args.seed)
    presets = list(model.presets) if args.preset == "all" else [args.preset]
    presets.sort(key=lambda preset: model.presets[preset]["r"])
    report = {"implementation": "pytorch", "torch": torch.__version__, "device": name,
              "tf32": args.device == "cuda" and args.tf32}
    if args.conv_shapes:
        report["conv"] = bench_convs(args.conv_shapes, args, device)
    elif args.sizes_only:
        report["presets"] = [{"preset": p, "sizes": sizes(model.build(p))} for p in presets]
    else:
        report["presets"] = [bench_preset(model, p, args, device) for p in presets]
    write_json(report, args.json)


if __name__ == "__main__":
    main(sys.argv[1:])
