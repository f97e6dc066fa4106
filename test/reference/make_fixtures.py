#!/usr/bin/python3
"""Writes the PyTorch reference fixtures for test/Integration/Reference.

Builds the networks of models.mlir in PyTorch (Debian's python3-torch 1.13),
draws initial weights and 5 batches, trains 5 steps with torch.optim.SGD
(momentum, weight decay) or torch.optim.Adam under CosineAnnealingLR, and
writes, per train step, JSON with the initial weights (in dps's layouts:
dense K x M, conv HWIO, NHWC images), the batches, each step's per-sample
losses and the weights after the last step.

    /usr/bin/python3 test/reference/make_fixtures.py test/reference
"""
import json
import sys

import torch
import torch.nn.functional as F

STEPS = 5


class MLP(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.dense0 = torch.nn.Linear(12, 16)
        self.dense1 = torch.nn.Linear(16, 8)
        self.dense2 = torch.nn.Linear(8, 4)

    def forward(self, x):
        x = torch.relu(self.dense0(x))
        x = torch.tanh(self.dense1(x))
        return self.dense2(x)

    def dps_params(self):
        """Parameters in dps's order and layouts (dense weights K x M)."""
        out = {}
        for name in ("dense0", "dense1", "dense2"):
            layer = getattr(self, name)
            out[name + ".weight"] = layer.weight.t()
            out[name + ".bias"] = layer.bias
        return out


class CNN(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv2d0 = torch.nn.Conv2d(1, 4, 3, padding=1)
        self.conv2d1 = torch.nn.Conv2d(4, 6, 3, stride=2, padding=1)
        self.dense0 = torch.nn.Linear(6, 3)

    def forward(self, x):  # x: N x C x H x W
        x = F.max_pool2d(torch.relu(self.conv2d0(x)), 2, 2)
        x = F.avg_pool2d(torch.relu(self.conv2d1(x)), 2, 2)
        # dps flattens NHWC: (h, w, c) order.
        x = x.permute(0, 2, 3, 1).flatten(1)
        return self.dense0(x)

    def dps_params(self):
        out = {}
        for name in ("conv2d0", "conv2d1"):
            layer = getattr(self, name)
            out[name + ".filter"] = layer.weight.permute(2, 3, 1, 0)  # HWIO
            out[name + ".bias"] = layer.bias
        out["dense0.weight"] = self.dense0.weight.t()
        out["dense0.bias"] = self.dense0.bias
        return out


def flat(t):
    return [float(v) for v in t.detach().contiguous().reshape(-1)]


def fixture(model, make_optimizer, batches):
    initial = {k: flat(v) for k, v in model.dps_params().items()}
    optimizer = make_optimizer(model.parameters())
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=STEPS)
    losses = []
    for x, y in batches:
        optimizer.zero_grad()
        per_sample = F.cross_entropy(model(x), y, reduction="none")
        per_sample.mean().backward()
        optimizer.step()
        schedule.step()
        losses.append(flat(per_sample))
    return {
        "steps": STEPS,
        "initial": initial,
        "batches": [{"input": flat(x if x.dim() == 2 else x.permute(0, 2, 3, 1)),
                     "labels": [int(v) for v in y]} for x, y in batches],
        "losses": losses,
        "final": {k: flat(v) for k, v in model.dps_params().items()},
    }


def main(out_dir):
    torch.set_num_threads(1)
    cases = {
        "mlp_sgd": (MLP, 8, (12,), 4,
                    lambda p: torch.optim.SGD(p, lr=0.1, momentum=0.9, weight_decay=1e-3)),
        "mlp_adam": (MLP, 8, (12,), 4,
                     lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.9, 0.999), eps=1e-8,
                                                weight_decay=1e-3)),
        "cnn_sgd": (CNN, 6, (1, 8, 8), 3,
                    lambda p: torch.optim.SGD(p, lr=0.05, momentum=0.9)),
        "cnn_adam": (CNN, 6, (1, 8, 8), 3, lambda p: torch.optim.Adam(p, lr=0.005)),
    }
    for index, (name, (net, batch, shape, classes, optimizer)) in enumerate(cases.items()):
        torch.manual_seed(1000 + index)
        model = net()
        batches = [(torch.randn(batch, *shape), torch.randint(0, classes, (batch,)))
                   for _ in range(STEPS)]
        with open(f"{out_dir}/{name}.json", "w") as f:
            json.dump(fixture(model, optimizer, batches), f)
            f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
