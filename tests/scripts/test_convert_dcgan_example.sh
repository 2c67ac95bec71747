#!/usr/bin/env bash
# scripts/convert-dcgan-example.py on checkpoints of the PyTorch DCGAN example's layout (random
# weights and BN statistics): the file it writes has the names and shapes of
# bench/peer_dcgan.py's state dict, the engine loads it, and the engine's G and D in eval mode
# compute what the example's networks compute. Skipped (77) where PyTorch is missing.
set -euo pipefail
tool=$1
root=$2
source "$(dirname "$0")/../support/torch_test.sh"

"$python" - "$root" "$work" <<'EOF_PY'
import importlib.util
import sys

import torch
from torch import nn

root, work = sys.argv[1:]
sys.path.insert(0, f"{root}/bench")
import peer_dcgan

spec = importlib.util.spec_from_file_location("convert", f"{root}/scripts/convert-dcgan-example.py")
convert = importlib.util.module_from_spec(spec)
spec.loader.exec_module(convert)

# The example's networks (dcgan/main.py): one nn.Sequential `main` each, nc = 3 channels.
nz, ngf, ndf, nc = 100, 16, 16, 3


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        layers = [nn.ConvTranspose2d(nz, ngf * 8, 4, 1, 0, bias=False), nn.BatchNorm2d(ngf * 8),
                  nn.ReLU(True)]
        for c in (ngf * 8, ngf * 4, ngf * 2):
            layers += [nn.ConvTranspose2d(c, c // 2, 4, 2, 1, bias=False), nn.BatchNorm2d(c // 2),
                       nn.ReLU(True)]
        layers += [nn.ConvTranspose2d(ngf, nc, 4, 2, 1, bias=False), nn.Tanh()]
        self.main = nn.Sequential(*layers)

    def forward(self, x):
        return self.main(x)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        layers = [nn.Conv2d(nc, ndf, 4, 2, 1, bias=False), nn.LeakyReLU(0.2, inplace=True)]
        for c in (ndf, ndf * 2, ndf * 4):
            layers += [nn.Conv2d(c, c * 2, 4, 2, 1, bias=False), nn.BatchNorm2d(c * 2),
                       nn.LeakyReLU(0.2, inplace=True)]
        layers += [nn.Conv2d(ndf * 8, 1, 4, 1, 0, bias=False), nn.Sigmoid()]
        self.main = nn.Sequential(*layers)

    def forward(self, x):
        return self.main(x)


torch.manual_seed(5)
g, d = Generator(), Discriminator()
assert [type(m).__name__ for m in g.main][12] == "ConvTranspose2d"
assert [type(m).__name__ for m in d.main][11] == "Conv2d"
for net in (g, d):
    for module in net.modules():
        if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.normal_(module.weight, 0.0, 0.02)
        elif isinstance(module, nn.BatchNorm2d):
            nn.init.normal_(module.weight, 1.0, 0.2)
            nn.init.normal_(module.bias, 0.0, 0.2)
            # The running statistics become those of the next batch, as training leaves them:
            # values far from the initial 0 and 1 that keep eval mode's outputs well scaled.
            module.momentum = 1.0
with torch.no_grad():
    d(g(torch.randn(16, nz, 1, 1)))
g.eval()
d.eval()
torch.save(g.state_dict(), f"{work}/netG_epoch_24.pth")
torch.save(d.state_dict(), f"{work}/netD_epoch_24.pth")

tensors, metadata = convert.convert(g.state_dict(), d.state_dict())
assert metadata == {"model": "dcgan", "r": "64", "w": "16", "nz": "100"}, metadata
want = {k: tuple(v.shape) for k, v in peer_dcgan.build("dcgan-tiny64").state_dict().items()
        if not k.endswith("num_batches_tracked")}
got = {k: tuple(v.shape) for k, v in tensors.items()}
assert got == want, (sorted(set(got) ^ set(want)), [k for k in got if got[k] != want.get(k)])

# What the engine must compute from the converted file: G(z) and the logit before D's Sigmoid.
with torch.no_grad():
    z = torch.randn(3, nz, 1, 1)
    image = g(z)
    logit = d.main[:-1](image)
# Outputs that differ from sample to sample and are not near 0, so that the tolerance means
# something.
assert image.std() > 0.05 and logit.abs().min() > 0.05 and logit.std() > 0.01, (image, logit)
convert.write_safetensors(f"{work}/probe.safetensors",
                          {"z": z, "image": image, "logit": logit}, {})

# A checkpoint with a tensor the example does not have is refused.
extra = dict(d.state_dict())
extra["main.12.weight"] = torch.zeros(1)
torch.save(extra, f"{work}/netD_extra.pth")
print(f"PyTorch side: {len(tensors)} tensors, names and shapes of bench/peer_dcgan.py")
EOF_PY

convert=("$python" "$root/scripts/convert-dcgan-example.py")
"${convert[@]}" "$work/netG_epoch_24.pth" "$work/netD_epoch_24.pth" "$work/dcgan.safetensors"
"$tool" check "$work/dcgan.safetensors" "$work/probe.safetensors" 1e-4
if "${convert[@]}" "$work/netG_epoch_24.pth" "$work/netD_extra.pth" "$work/bad.safetensors" \
  2>"$work/err.txt"; then
  echo "FAIL: a checkpoint with an unknown tensor was converted"
  exit 1
fi
grep -q "main.12.weight" "$work/err.txt"
echo "PASS"
