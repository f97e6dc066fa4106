#!/usr/bin/env python3
"""Exports the MLP and the small CNN of examples/ from PyTorch to ONNX.

    python3 examples/onnx/export_torch.py OUT_DIR [--seed N] [--test-cases]
                                          [--evaluate FASHION_MNIST_DIR]

writes OUT_DIR/mlp.onnx and OUT_DIR/cnn.onnx: the same architectures as
examples/mlp.mlir and examples/cnn.mlir, with PyTorch's default initial
weights, a dynamic batch dimension, NCHW images for the CNN. Train them with
`dps-train OUT_DIR/mlp.onnx`, or import them with
`dps-translate --import-onnx OUT_DIR/mlp.onnx`. Needs python3-torch (and
python3-onnx, which torch.onnx uses) from Debian.

With --test-cases it also writes OUT_DIR/{mlp,cnn}_case/: the model and a
batch of 5 random inputs with PyTorch's outputs in ONNX's test layout
(test_data_set_0/input_0.pb, output_0.pb), which `dps-onnx-test` runs.
With --evaluate it prints each exported model's accuracy and mean
cross-entropy on the test images (t10k-*) of that folder, as PyTorch
computes them: what `dps-train MODEL.onnx --eval-only` must print.
"""
import argparse
import gzip
import os
import struct

import torch
from torch import nn


def mlp():
    return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128),
                         nn.ReLU(), nn.Linear(128, 10))


def cnn():
    return nn.Sequential(
        nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(32 * 7 * 7, 64), nn.ReLU(), nn.Linear(64, 10))


def export(model, example, path):
    model.eval()
    torch.onnx.export(model, example, path, input_names=["x"],
                      output_names=["logits"],
                      dynamic_axes={"x": {0: "batch"}, "logits": {0: "batch"}},
                      opset_version=13)


def write_case(model, inputs, folder):
    """An ONNX test case: the model at the inputs' batch and its outputs."""
    from onnx import numpy_helper
    data = os.path.join(folder, "test_data_set_0")
    os.makedirs(data, exist_ok=True)
    model.eval()
    torch.onnx.export(model, inputs, os.path.join(folder, "model.onnx"),
                      input_names=["x"], output_names=["logits"],
                      opset_version=13)
    with torch.no_grad():
        outputs = model(inputs)
    for name, tensor in (("input_0", inputs), ("output_0", outputs)):
        proto = numpy_helper.from_array(tensor.numpy())
        with open(os.path.join(data, name + ".pb"), "wb") as f:
            f.write(proto.SerializeToString())


def test_split(folder):
    """Fashion-MNIST's test images (scaled to [0, 1], as dps loads them)."""
    import numpy as np

    def read(stem):
        path = os.path.join(folder, stem)
        opener = open if os.path.exists(path) else gzip.open
        with opener(path if opener is open else path + ".gz", "rb") as f:
            return f.read()
    images, labels = read("t10k-images-idx3-ubyte"), read("t10k-labels-idx1-ubyte")
    count = struct.unpack(">I", images[4:8])[0]
    x = np.frombuffer(images[16:], dtype=np.uint8).astype(np.float32) / 255.0
    y = np.frombuffer(labels[8:], dtype=np.uint8).astype(np.int64)
    return torch.from_numpy(x.reshape(count, 784).copy()), torch.from_numpy(y.copy())


def evaluate(name, model, sample, folder):
    x, y = test_split(folder)
    model.eval()
    with torch.no_grad():
        logits = model(x.reshape(-1, *sample))
        loss = nn.functional.cross_entropy(logits, y).item()
        accuracy = (logits.argmax(1) == y).float().mean().item()
    print(f"{name}: torch test accuracy {accuracy:.4f}, mean test loss {loss:.4f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--test-cases", action="store_true")
    parser.add_argument("--evaluate", metavar="FASHION_MNIST_DIR")
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    torch.manual_seed(args.seed)
    models = {"mlp": (mlp(), (784,)), "cnn": (cnn(), (1, 28, 28))}
    for name, (model, sample) in models.items():
        export(model, torch.zeros(2, *sample),
               os.path.join(args.out_dir, name + ".onnx"))
        if args.test_cases:
            write_case(model, torch.randn(5, *sample),
                       os.path.join(args.out_dir, name + "_case"))
        if args.evaluate:
            evaluate(name, model, sample, args.evaluate)


if __name__ == "__main__":
    main()
