#!/usr/bin/env python3
"""DCGAN in PyTorch, built from docs/models/dcgan.md alone, to time against `aegan-vk bench
train --model dcgan`.

G and D of each DCGAN preset, their modules named as the engine's checkpoint names, so that the
state dict of `build(preset)` has exactly the engine's tensors ("g.up0.conv.weight",
"d.head.weight", ...), initialised as the spec says. The layers are bench/peer.py's, which also
builds D: docs/models/dcgan.md's D is docs/models/aegan.md's D_R.

As a command it takes bench/peer.py's options and writes the same JSON, for the figures of the
engine's `bench train --model dcgan`: gan (a D step, then a G step through a frozen D, each with
its Adam) and inference G(z) in eval mode; `--sizes-only` gives the element counts of G's and D's
parameters and buffers for a test to check against the engine's. Exit status 3: PyTorch is not
installed.
"""

import sys

import peer
from peer import nn, torch

PRESETS = {
    # r, w, nz (docs/models/dcgan.md, "Sizes and presets"; nets/models/dcgan/dcgan.cpp)
    "dcgan64": dict(r=64, w=64, nz=100),
    "dcgan512": dict(r=512, w=64, nz=100),
    "dcgan-tiny64": dict(r=64, w=16, nz=100),
}


def width(w, s):
    """Channels of a feature map of spatial size s: w * clamp(32 / s, 1, 8)."""
    return w * min(max(32 // s, 1), 8)


def generator(r, w, nz):
    n = peer.log2(r // 4)
    layers = [("up0", peer.Layer(peer.up(nz, width(w, 4), 4, 1, 0), bn=True, post=nn.ReLU()))]
    for k in range(1, n):
        conv = peer.up(width(w, 2 ** (k + 1)), width(w, 2 ** (k + 2)))
        layers.append((f"up{k}", peer.Layer(conv, bn=True, post=nn.ReLU())))
    layers.append((f"up{n}", peer.Layer(peer.up(width(w, r // 2), 3), post=nn.Tanh())))
    return peer.named(layers)


def discriminator(r, w, nz):
    return peer.image_discriminator(r=r, es=None, ec=None, w=w, nz=nz)


def build(preset):
    sizes = PRESETS[preset]
    nets = nn.ModuleDict({"g": generator(**sizes), "d": discriminator(**sizes)})
    peer.initialise(nets)
    return nets


def normal(generator, device, *shape):
    """N(0, 1), DCGAN's default prior, drawn on the CPU from `generator`."""
    return torch.randn(*shape, generator=generator).to(device)


def gan_iteration(nets, x, z, lr=2e-4):
    g, d = nets["g"], nets["d"]
    nets.train()
    peer.set_trainable(nets, True)
    opt_d, opt_g = peer.adam(lr, d), peer.adam(lr, g)

    def iteration():
        fake = g(z)
        loss_d = peer.bce(d(x), 1.0) + peer.bce(d(fake.detach()), 0.0)
        peer.update(opt_d, loss_d)
        peer.set_trainable(d, False)
        loss_g = peer.bce(d(fake), 1.0)
        peer.update(opt_g, loss_g)
        peer.set_trainable(d, True)
        return [loss_d, loss_g]

    return iteration


def inference_iteration(nets, z):
    nets.eval()

    def iteration():
        with torch.no_grad():
            return [nets["g"](z)]

    return iteration


def iteration_for(figure, nets, p, batch, generator, device):
    z = normal(generator, device, batch, p["nz"], 1, 1)
    if figure == "inference":
        return inference_iteration(nets, z)
    return gan_iteration(nets, peer.uniform(generator, device, batch, 3, p["r"], p["r"]), z)


DCGAN = peer.Model(PRESETS, build, ("gan", "inference"), iteration_for)

if __name__ == "__main__":
    peer.main(sys.argv[1:], DCGAN, __doc__.splitlines()[0] + " " + __doc__.splitlines()[1])
