#!/usr/bin/env python3
"""Converts the PyTorch DCGAN example's checkpoints into one aegan-vk DCGAN safetensors file.

The example (`dcgan/main.py` of pytorch/examples, 64x64 images) saves G and D as state dicts
with its nn.Sequential's indices, `netG_epoch_<e>.pth` and `netD_epoch_<e>.pth`. This writes
them under docs/models/dcgan.md's checkpoint names (`g.up0.conv.weight`, ..., `d.head.weight`),
with r, w and nz in `__metadata__`, and drops PyTorch's `num_batches_tracked` counters. The
example's D ends with a Sigmoid, which has no parameters; aegan-vk's D returns the logit before
it.

    convert-dcgan-example.py netG_epoch_24.pth netD_epoch_24.pth dcgan.safetensors

Needs PyTorch to read the .pth files; the safetensors file is written here, without the
safetensors package. Exit status 3: PyTorch is not installed; 2: the files are not the example's.
"""

import argparse
import json
import struct
import sys

R = 64  # the example's image size, which fixes its layer count


def fail(message, status=2):
    print(f"convert-dcgan-example.py: error: {message}", file=sys.stderr)
    sys.exit(status)


def example_names():
    """The example's `main.<i>` module of every aegan-vk module (docs/models/dcgan.md)."""
    names = {}
    for k in range(4):
        names[f"g.up{k}.conv"] = ("g", f"main.{3 * k}")
        names[f"g.up{k}.bn"] = ("g", f"main.{3 * k + 1}")
    names["g.up4.conv"] = ("g", "main.12")
    names["d.down0.conv"] = ("d", "main.0")
    for k in range(1, 4):
        names[f"d.down{k}.conv"] = ("d", f"main.{3 * k - 1}")
        names[f"d.down{k}.bn"] = ("d", f"main.{3 * k}")
    names["d.head"] = ("d", "main.11")
    return names


def convert(g_state, d_state):
    """aegan-vk's tensors (name -> float32 tensor) and metadata from the example's state dicts."""
    states = {"g": g_state, "d": d_state}
    unused = {net: {k for k in state if not k.endswith(".num_batches_tracked")}
              for net, state in states.items()}
    tensors = {}
    for ours, (net, theirs) in example_names().items():
        fields = ("weight", "bias", "running_mean", "running_var") if ours.endswith(".bn") else (
            "weight",)
        for field in fields:
            key = f"{theirs}.{field}"
            if key not in states[net]:
                fail(f"the {net.upper()} checkpoint has no '{key}' (not the DCGAN example's?)")
            tensors[f"{ours}.{field}"] = states[net][key].detach().float().contiguous()
            unused[net].discard(key)
    for net, keys in unused.items():
        if keys:
            fail(f"the {net.upper()} checkpoint holds tensors the example's layout does not: "
                 + ", ".join(sorted(keys)))
    nz, eight_w = tensors["g.up0.conv.weight"].shape[:2]
    w = tensors["d.down0.conv.weight"].shape[0]
    if eight_w != 8 * w:
        fail(f"G's width ngf = {eight_w // 8} differs from D's ndf = {w}: aegan-vk's DCGAN has "
             "one width w")
    if tensors["g.up4.conv.weight"].shape[1] != 3 or tensors["d.down0.conv.weight"].shape[1] != 3:
        fail("the example was trained on images of other than 3 channels")
    metadata = {"model": "dcgan", "r": str(R), "w": str(w), "nz": str(nz)}
    if (w, nz) == (64, 100):
        metadata["preset"] = "dcgan64"
    return tensors, metadata


def write_safetensors(path, tensors, metadata):
    """The safetensors layout: 8-byte little-endian header length, JSON header, F32 data."""
    header = {"__metadata__": metadata}
    blobs, offset = [], 0
    for name, tensor in tensors.items():
        data = tensor.numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)  # the data starts 8-byte aligned
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(text)))
        out.write(text)
        for data in blobs:
            out.write(data)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("generator", help="the example's netG_epoch_<e>.pth")
    parser.add_argument("discriminator", help="the example's netD_epoch_<e>.pth")
    parser.add_argument("output", help="the safetensors file to write")
    args = parser.parse_args(argv)
    try:
        import torch
    except ImportError:
        fail(f"PyTorch is not installed for {sys.executable} (Debian 12: apt-get install "
             "python3-torch libopenblas0)", 3)
    states = [torch.load(path, map_location="cpu") for path in (args.generator, args.discriminator)]
    tensors, metadata = convert(*states)
    write_safetensors(args.output, tensors, metadata)
    print(f"{args.output}: {len(tensors)} tensors, r={metadata['r']} w={metadata['w']} "
          f"nz={metadata['nz']}")


if __name__ == "__main__":
    main(sys.argv[1:])
