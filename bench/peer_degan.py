#!/usr/bin/env python3
"""DE-GAN in PyTorch, built from docs/models/degan.md alone, to time against `aegan-vk bench
train --model degan` and to replay its training steps (tests/parity).

The VAE's encoder and decoder, G and D of each DE-GAN preset, their modules named as the engine's
checkpoint names, so that the state dict of `build(preset)` has exactly the engine's tensors
("vae_enc.fc_mu.weight", "g.fc.linear.weight", ...), initialised as the spec says.

As a command it takes bench/peer.py's options and writes the same JSON, for the figures of the
engine's `bench train --model degan`: vae (a VAE step), gan (the decoder-encoder noise, a D step,
then a G step through a frozen D with the hidden-space loss) and inference G(z') from z_n in eval
mode; `--sizes-only` gives the element counts of every network's parameters and buffers for a
test to check against the engine's. Exit status 3: PyTorch is not installed.
"""

import sys

import peer
from peer import nn, torch

PRESETS = {
    # r, nz, v, g, d (docs/models/degan.md, "Parameters of a model"; nets/models/degan)
    "celeba64": dict(r=64, nz=128, v=32, g=64, d=64),
    "cifar32": dict(r=32, nz=128, v=32, g=64, d=64),
    "degan-tiny32": dict(r=32, nz=32, v=8, g=16, d=16),
    "degan-tiny64": dict(r=64, nz=32, v=8, g=16, d=16),
}

HIDDEN_WEIGHT = 0.01  # lambda2 of G's loss
NORM_FLOOR = 1e-12  # inside the hidden-space loss's square root
VAE_BETAS = (0.9, 0.999)


def down5(cin, cout, bias=False):
    return nn.Conv2d(cin, cout, 5, 2, 2, bias=bias)


def up5(cin, cout, bias=False):
    return nn.ConvTranspose2d(cin, cout, 5, 2, 2, output_padding=1, bias=bias)


class Downsampler(nn.Module):
    """down0 ... down2: Conv5 to width (bias, LReLU), then 2 width and 4 width (BN, LReLU)."""

    def __init__(self, width):
        super().__init__()
        self.down0 = peer.Layer(down5(3, width, bias=True), post=peer.lrelu())
        self.down1 = peer.Layer(down5(width, 2 * width), bn=True, post=peer.lrelu())
        self.down2 = peer.Layer(down5(2 * width, 4 * width), bn=True, post=peer.lrelu())

    def downsample(self, x):
        return self.down2(self.down1(self.down0(x)))


class VaeEncoder(Downsampler):
    def __init__(self, r, nz, v, g, d):
        super().__init__(v)
        features = 4 * v * (r // 8) ** 2
        self.dropout = nn.Dropout(0.5)
        self.fc_mu = nn.Linear(features, nz)
        self.fc_logvar = nn.Linear(features, nz)

    def forward(self, x):
        h = self.dropout(self.downsample(x)).flatten(1)
        return self.fc_mu(h), self.fc_logvar(h)


def vae_decoder(r, nz, v, g, d):
    n = peer.log2(r // 4)
    layers = [("up0", peer.Layer(peer.up(nz, 4 * v, 4, 1, 0), bn=True, post=nn.ReLU()))]
    width = 4 * v
    for k in range(1, n):
        layers.append((f"up{k}", peer.Layer(up5(width, width // 2), bn=True, post=nn.ReLU())))
        width //= 2
    layers.append((f"up{n}", peer.Layer(up5(width, 3, bias=True), post=nn.Tanh())))
    return peer.named(layers)


class Projection(nn.Module):
    """G's fc: Linear(nz -> 16 c0) without bias, the [c0, 4, 4] map, BN per channel, ReLU."""

    def __init__(self, nz, channels):
        super().__init__()
        self.channels = channels
        self.linear = nn.Linear(nz, 16 * channels, bias=False)
        self.bn = nn.BatchNorm2d(channels)

    def forward(self, z):
        y = self.linear(z.flatten(1)).view(z.shape[0], self.channels, 4, 4)
        return torch.relu(self.bn(y))


def generator(r, nz, v, g, d):
    n = peer.log2(r // 4)
    width = g * 2 ** n
    layers = [("fc", Projection(nz, width))]
    for k in range(n - 1):
        layers.append((f"up{k}", peer.Layer(up5(width, width // 2), bn=True, post=nn.ReLU())))
        width //= 2
    layers.append((f"up{n - 1}", peer.Layer(up5(width, 3, bias=True), post=nn.Tanh())))
    return peer.named(layers)


class Discriminator(Downsampler):
    def __init__(self, r, nz, v, g, d):
        super().__init__(d)
        self.head = nn.Linear(4 * d * (r // 8) ** 2, 1)

    def features(self, x):
        return self.downsample(x).flatten(1)

    def forward(self, x):
        return self.head(self.features(x))


def build(preset):
    sizes = PRESETS[preset]
    nets = nn.ModuleDict({"vae_enc": VaeEncoder(**sizes), "vae_dec": vae_decoder(**sizes),
                          "g": generator(**sizes), "d": Discriminator(**sizes)})
    peer.initialise(nets)
    for module in nets.modules():
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, 0.0, 0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
    return nets


def reparameterise(mu, logvar, eps):
    return mu + torch.exp(logvar / 2) * eps


def vae_loss(nets, x, eps):
    """Sum of squared errors over each image's pixels plus the KL term, means over the batch."""
    mu, logvar = nets["vae_enc"](x)
    z = reparameterise(mu, logvar, eps)
    x_tilde = nets["vae_dec"](z.view(*z.shape, 1, 1))
    rec = ((x_tilde - x) ** 2).flatten(1).sum(1).mean()
    kl = -0.5 * (1 + logvar - mu ** 2 - torch.exp(logvar)).sum(1).mean()
    return rec + kl


def decoder_encoder_noise(nets, z_n, eps):
    """z' from z_n through the frozen VAE (eval mode): a posterior sample, or mu' without eps."""
    with torch.no_grad():
        mu, logvar = nets["vae_enc"](nets["vae_dec"](z_n))
        return mu if eps is None else reparameterise(mu, logvar, eps)


def gan_updates(nets, opt_d, opt_g, x, z):
    """A D step on BCE(D(x), 1) + BCE(D(G(z')), 0), then a G step on BCE(D(G(z')), 1) plus
    HIDDEN_WEIGHT times the mean distance of D's features of x and of G(z')."""
    g, d = nets["g"], nets["d"]
    fake = g(z)
    peer.update(opt_d, peer.bce(d(x), 1.0) + peer.bce(d(fake.detach()), 0.0))
    peer.set_trainable(d, False)
    with torch.no_grad():
        real_features = d.features(x)
    fake_features = d.features(fake)
    hidden = torch.sqrt(((fake_features - real_features) ** 2).sum(1) + NORM_FLOOR).mean()
    peer.update(opt_g, peer.bce(d.head(fake_features), 1.0) + HIDDEN_WEIGHT * hidden)
    peer.set_trainable(d, True)


def prepare(nets, stage):
    """Stage 1 trains the VAE; stage 2 G and D with the VAE frozen in eval mode."""
    vae = (nets["vae_enc"], nets["vae_dec"])
    gan = (nets["g"], nets["d"])
    for net in vae:
        net.train(stage == 1)
        peer.set_trainable(net, stage == 1)
    for net in gan:
        net.train(stage == 2)
        peer.set_trainable(net, stage == 2)


def vae_iteration(nets, x, nz, generator, device):
    prepare(nets, 1)
    opt = torch.optim.Adam([p for n in ("vae_enc", "vae_dec") for p in nets[n].parameters()],
                           lr=1e-3, betas=VAE_BETAS, eps=1e-8)
    eps = torch.randn(x.shape[0], nz, generator=generator).to(x.device)

    def iteration():
        loss = vae_loss(nets, x, eps)
        peer.update(opt, loss)
        return [loss]

    return iteration


def gan_iteration(nets, x, z_n, generator, lr=2e-4):
    prepare(nets, 2)
    opt_d, opt_g = peer.adam(lr, nets["d"]), peer.adam(lr, nets["g"])
    eps = torch.randn(z_n.shape[0], z_n.shape[1], generator=generator).to(x.device)

    def iteration():
        gan_updates(nets, opt_d, opt_g, x, decoder_encoder_noise(nets, z_n, eps))
        return [x]

    return iteration


def inference_iteration(nets, z_n):
    nets.eval()

    def iteration():
        with torch.no_grad():
            return [nets["g"](decoder_encoder_noise(nets, z_n, None))]

    return iteration


def iteration_for(figure, nets, p, batch, generator, device):
    z_n = torch.randn(batch, p["nz"], 1, 1, generator=generator).to(device)
    if figure == "inference":
        return inference_iteration(nets, z_n)
    x = peer.uniform(generator, device, batch, 3, p["r"], p["r"])
    if figure == "vae":
        return vae_iteration(nets, x, p["nz"], generator, device)
    return gan_iteration(nets, x, z_n, generator)


DEGAN = peer.Model(PRESETS, build, ("vae", "gan", "inference"), iteration_for)

if __name__ == "__main__":
    peer.main(sys.argv[1:], DEGAN, __doc__.splitlines()[0] + " " + __doc__.splitlines()[1])
