#!/usr/bin/env python3
"""StackGAN-v2 (unconditional) in PyTorch, built from docs/models/stackgan.md alone, to time
against `aegan-vk bench train --model stackgan` and to replay its training steps (tests/parity).

The generator tree and one discriminator per image size, their modules named as the official
code's state dicts and the engine's checkpoint names ("g.h_net1.fc.0.weight", "d64.logits.0.bias",
...). The generator's weight average is kept beside the networks, under "g_ema.<name>".

As a command it takes bench/peer.py's options and writes the same JSON, for the figures of the
engine's `bench train --model stackgan`: gan (a step of every D_i, then a G step on their losses
and the colour-consistency terms, then the average) and inference (the largest image, eval mode);
`--sizes-only` gives the element counts of every network. Exit status 3: PyTorch is not
installed.
"""

import sys
from collections import OrderedDict

import peer
from peer import nn, torch

PRESETS = {
    # r, gf, df, nz, residuals (docs/models/stackgan.md, "Parameters of a model")
    "sg256": dict(r=256, gf=64, df=64, nz=100, residuals=2),
    "sg512": dict(r=512, gf=64, df=64, nz=100, residuals=2),
    "sg-tiny": dict(r=128, gf=16, df=16, nz=16, residuals=1),
}
AVERAGE_DECAY = 0.999
COLOUR_WEIGHT, COVARIANCE_FACTOR = 50.0, 5.0


def branches(r):
    return peer.log2(r // 64) + 1


class GLU(nn.Module):
    def forward(self, x):
        c = x.shape[1] // 2
        return x[:, :c] * torch.sigmoid(x[:, c:])


def conv3(cin, cout):
    return nn.Conv2d(cin, cout, 3, 1, 1, bias=False)


def up_block(cin, cout):
    return nn.Sequential(nn.Upsample(scale_factor=2, mode="nearest"), conv3(cin, 2 * cout),
                         nn.BatchNorm2d(2 * cout), GLU())


def joint_conv(cin, cout):
    return nn.Sequential(conv3(cin, 2 * cout), nn.BatchNorm2d(2 * cout), GLU())


class ResBlock(nn.Module):
    def __init__(self, c):
        super().__init__()
        self.block = nn.Sequential(conv3(c, 2 * c), nn.BatchNorm2d(2 * c), GLU(), conv3(c, c),
                                   nn.BatchNorm2d(c))

    def forward(self, x):
        return x + self.block(x)


class InitialStage(nn.Module):
    def __init__(self, nz, gf):
        super().__init__()
        self.channels = 16 * gf
        self.fc = nn.Sequential(nn.Linear(nz, 32 * self.channels, bias=False),
                                nn.BatchNorm1d(32 * self.channels), GLU())
        c = self.channels
        for k in range(1, 5):
            setattr(self, f"upsample{k}", up_block(c, c // 2))
            c //= 2

    def forward(self, z):
        h = self.fc(z).view(-1, self.channels, 4, 4)
        for k in range(1, 5):
            h = getattr(self, f"upsample{k}")(h)
        return h


class NextStage(nn.Module):
    def __init__(self, nz, channels, residuals):
        super().__init__()
        self.jointConv = joint_conv(nz + channels, channels)
        self.residual = nn.Sequential(*[ResBlock(channels) for _ in range(residuals)])
        self.upsample = up_block(channels, channels // 2)

    def forward(self, z, h):
        s = h.shape[2]
        tiled = z.view(*z.shape, 1, 1).expand(-1, -1, s, s)
        return self.upsample(self.residual(self.jointConv(torch.cat([tiled, h], 1))))


class ImageStage(nn.Module):
    def __init__(self, channels):
        super().__init__()
        self.img = nn.Sequential(conv3(channels, 3), nn.Tanh())

    def forward(self, h):
        return self.img(h)


class Generator(nn.Module):
    def __init__(self, r, gf, df, nz, residuals):
        super().__init__()
        self.nz, self.m = nz, branches(r)
        self.h_net1 = InitialStage(nz, gf)
        widths = [gf]
        for k in range(2, self.m + 1):
            channels = gf >> (k - 2)
            setattr(self, f"h_net{k}", NextStage(nz, channels, 1 if k >= 4 else residuals))
            widths.append(channels // 2)
        for k in range(1, self.m + 1):
            setattr(self, f"img_net{k}", ImageStage(widths[k - 1]))

    def forward(self, z):
        z = z.reshape(z.shape[0], self.nz)
        h = self.h_net1(z)
        images = [self.img_net1(h)]
        for k in range(2, self.m + 1):
            h = getattr(self, f"h_net{k}")(z, h)
            images.append(getattr(self, f"img_net{k}")(h))
        return images


def conv(cin, cout, k, s, p, bias=False):
    return nn.Conv2d(cin, cout, k, s, p, bias=bias)


def lrelu():
    return nn.LeakyReLU(0.2)


def discriminator(size, df):
    layers = [("img_code_s16", nn.Sequential(
        conv(3, df, 4, 2, 1), lrelu(), conv(df, 2 * df, 4, 2, 1), nn.BatchNorm2d(2 * df), lrelu(),
        conv(2 * df, 4 * df, 4, 2, 1), nn.BatchNorm2d(4 * df), lrelu(),
        conv(4 * df, 8 * df, 4, 2, 1), nn.BatchNorm2d(8 * df), lrelu()))]
    extra = peer.log2(size // 64)
    width = 8 * df
    for k in range(extra):
        layers.append((f"img_code_s{32 << k}", nn.Sequential(
            conv(width, 2 * width, 4, 2, 1), nn.BatchNorm2d(2 * width), lrelu())))
        width *= 2
    k = 1
    while width > 8 * df:
        layers.append((f"img_code_s{16 << extra}_{k}", nn.Sequential(
            conv3(width, width // 2), nn.BatchNorm2d(width // 2), lrelu())))
        width //= 2
        k += 1
    layers.append(("logits", nn.Sequential(conv(8 * df, 1, 4, 4, 0, bias=True))))
    return nn.Sequential(OrderedDict(layers))


def discriminator_names(r):
    return [f"d{64 << i}" for i in range(branches(r))]


def build(preset):
    p = PRESETS[preset]
    nets = nn.ModuleDict({"g": Generator(**p)})
    for i, name in enumerate(discriminator_names(p["r"])):
        nets[name] = discriminator(64 << i, p["df"])
    for module in nets.modules():
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            nn.init.orthogonal_(module.weight)
        elif isinstance(module, (nn.BatchNorm2d, nn.BatchNorm1d)):
            nn.init.normal_(module.weight, 1.0, 0.02)
            nn.init.zeros_(module.bias)
    nets["g_ema"] = Average(nets["g"])
    return in_engine_order(nets)


def in_engine_order(nets):
    """g, g_ema, then the discriminators: the engine's order of networks."""
    order = ["g", "g_ema"] + [n for n in nets if n.startswith("d")]
    return nn.ModuleDict({name: nets[name] for name in order})


class Average(nn.Module):
    """G's weight average: a buffer per parameter of G, named as the parameter with "__" for its
    dots (PyTorch's buffer names hold none); `named()` gives the engine's names."""

    def __init__(self, g):
        super().__init__()
        for name, p in g.named_parameters():
            self.register_buffer(name.replace(".", "__"), p.detach().clone())

    def named(self):
        return {name.replace("__", "."): b for name, b in self.named_buffers()}

    def update(self, g):
        with torch.no_grad():
            for name, p in g.named_parameters():
                self.get_buffer(name.replace(".", "__")).mul_(AVERAGE_DECAY).add_(
                    p, alpha=1 - AVERAGE_DECAY)

    def copy_to(self, g):
        with torch.no_grad():
            for name, p in g.named_parameters():
                p.copy_(self.get_buffer(name.replace(".", "__")))


def colour_statistics(x):
    pixels = x.flatten(2)  # [N, 3, HW]
    mean = pixels.mean(2)
    centred = pixels - mean.unsqueeze(2)
    return mean, centred @ centred.transpose(1, 2) / pixels.shape[2]


def colour_consistency(high, low):
    mu_hi, cov_hi = colour_statistics(high)
    mu_lo, cov_lo = colour_statistics(low.detach())
    return (COLOUR_WEIGHT * ((mu_hi - mu_lo) ** 2).mean()
            + COLOUR_WEIGHT * COVARIANCE_FACTOR * ((cov_hi - cov_lo) ** 2).mean())


def real_images(x, m):
    """x and its 2x2 means down to 64 pixels, smallest first."""
    out = [x]
    while len(out) < m:
        out.insert(0, nn.functional.avg_pool2d(out[0], 2))
    return out


def gan_updates(nets, opts_d, opt_g, x, z):
    """A step of every D_i on its real and fake images, then one G step through the updated D_i
    on the sum of their losses and the colour terms of consecutive branches."""
    g = nets["g"]
    names = discriminator_names(x.shape[2])
    fakes = g(z)
    reals = real_images(x, len(names))
    for name, opt, real, fake in zip(names, opts_d, reals, fakes):
        d = nets[name]
        peer.update(opt, peer.bce(d(real), 1.0) + peer.bce(d(fake.detach()), 0.0))
    for name in names:
        peer.set_trainable(nets[name], False)
    loss = sum(peer.bce(nets[name](fake), 1.0) for name, fake in zip(names, fakes))
    for i in range(1, len(fakes)):
        loss = loss + colour_consistency(fakes[i], fakes[i - 1])
    peer.update(opt_g, loss)
    for name in names:
        peer.set_trainable(nets[name], True)
    return loss


def gan_iteration(nets, x, z, lr=2e-4):
    nets.train()
    opts_d = [peer.adam(lr, nets[n]) for n in discriminator_names(x.shape[2])]
    opt_g = peer.adam(lr, nets["g"])

    def iteration():
        loss = gan_updates(nets, opts_d, opt_g, x, z)
        nets["g_ema"].update(nets["g"])
        return [loss]

    return iteration


def inference_iteration(nets, z):
    nets.eval()

    def iteration():
        with torch.no_grad():
            return [nets["g"](z)[-1]]

    return iteration


def iteration_for(figure, nets, p, batch, generator, device):
    z = torch.randn(batch, p["nz"], generator=generator).to(device)
    if figure == "inference":
        return inference_iteration(nets, z)
    return gan_iteration(nets, peer.uniform(generator, device, batch, 3, p["r"], p["r"]), z)


STACKGAN = peer.Model(PRESETS, build, ("gan", "inference"), iteration_for)

if __name__ == "__main__":
    peer.main(sys.argv[1:], STACKGAN, __doc__.splitlines()[0] + " " + __doc__.splitlines()[1])
