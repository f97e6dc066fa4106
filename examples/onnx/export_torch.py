#!/usr/bin/env python3
"""Exports the MLP and the small CNN of examples/ from PyTorch to ONNX.

    python3 examples/onnx/export_torch.py OUT_DIR [--seed N]

writes OUT_DIR/mlp.onnx and OUT_DIR/cnn.onnx: the same architectures as
examples/mlp.mlir and examples/cnn.mlir, with PyTorch's default initial
weights, a dynamic batch dimension, NCHW images for the CNN. Train them with
`dps-train OUT_DIR/mlp.onnx`, or import them with
`dps-translate --import-onnx OUT_DIR/mlp.onnx`. Needs python3-torch (and
python3-onnx, which torch.onnx uses) from Debian.
"""
import argparse
import os

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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    torch.manual_seed(args.seed)
    export(mlp(), torch.zeros(2, 784), os.path.join(args.out_dir, "mlp.onnx"))
    export(cnn(), torch.zeros(2, 1, 28, 28),
           os.path.join(args.out_dir, "cnn.onnx"))


if __name__ == "__main__":
    main()
