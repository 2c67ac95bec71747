#!/usr/bin/env python3
"""DCGAN's networks in PyTorch, built from docs/models/dcgan.md (section 1) alone.

G and D of each DCGAN preset, their modules named as the engine's checkpoint names, so that the
state dict of `build(preset)` has exactly the engine's tensors ("g.up0.conv.weight",
"d.head.weight", ...), initialised as the spec says. The layers are bench/peer.py's, which also
builds D: docs/models/dcgan.md's D is docs/models/aegan.md's D_R.

As a command, writes the element counts of G's and D's parameters and buffers for each preset as
JSON (the fields of `peer.py --sizes-only`), for a test to check against the engine's. Exit status
3: PyTorch is not installed.
"""

import argparse
import sys

import peer
from peer import nn

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


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--preset", choices=[*PRESETS, "all"], default="all")
    parser.add_argument("--json", metavar="FILE", help="write the JSON here instead of stdout")
    args = parser.parse_args(argv)
    presets = list(PRESETS) if args.preset == "all" else [args.preset]
    report = {"implementation": "pytorch", "torch": peer.torch.__version__,
              "presets": [{"preset": p, "sizes": peer.sizes(build(p))} for p in presets]}
    peer.write_json(report, args.json)


if __name__ == "__main__":
    main(sys.argv[1:])
