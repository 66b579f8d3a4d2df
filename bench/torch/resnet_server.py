"""PyTorch side of the convkit-vs-PyTorch benchmark (bench/src/torch-cases.ts drives it).

Reads one JSON command per line on stdin and answers one JSON line on stdout:
  {"op": "hello"}                                          -> {"torch": version, "threads": n}
  {"op": "setup", "net": "resnet18"|"small", "batch": 32}  -> {"params": count}
  {"op": "time", "what": "infer"|"train", "threads": t, "runs": k, "warmup": w}
                                                           -> {"ms": [...], "maxrss_mib": m}
The networks are the same as bench/src/resnets.ts: the CIFAR ResNet (3x3 stride-1 stem, no max-pool,
basic blocks, 1x1 projection shortcuts, global average pool, 10 classes). NCHW, float32, channels-first
(PyTorch's default layout on CPU). A train step is forward, cross-entropy, backward and SGD with
momentum 0.9, as on the convkit side.
"""
import json
import resource
import sys
import time

import torch
from torch import nn

SPECS = {
    "resnet18": ([64, 128, 256, 512], [2, 2, 2, 2]),
    "small": ([16, 32, 64, 128], [1, 1, 1, 1]),
}


class Block(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.shortcut = None
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = torch.relu(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return torch.relu(y + (x if self.shortcut is None else self.shortcut(x)))


def cifar_resnet(widths, blocks, classes=10):
    layers = [nn.Conv2d(3, widths[0], 3, 1, 1, bias=False), nn.BatchNorm2d(widths[0]), nn.ReLU()]
    cin = widths[0]
    for stage, (width, n) in enumerate(zip(widths, blocks)):
        for b in range(n):
            layers.append(Block(cin, width, 2 if stage > 0 and b == 0 else 1))
            cin = width
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, classes)]
    return nn.Sequential(*layers)


def main():
    torch.manual_seed(0)
    state = {}
    for line in sys.stdin:
        cmd = json.loads(line)
        op = cmd["op"]
        if op == "hello":
            out = {"torch": torch.__version__, "threads": torch.get_num_threads()}
        elif op == "setup":
            net = cifar_resnet(*SPECS[cmd["net"]])
            batch = cmd["batch"]
            state = {
                "net": net,
                "x": torch.randn(batch, 3, 32, 32),
                "y": torch.randint(0, 10, (batch,)),
                "opt": torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9),
            }
            out = {"params": sum(p.numel() for p in net.parameters())}
        elif op == "time":
            torch.set_num_threads(cmd["threads"])
            net, x, y, opt = state["net"], state["x"], state["y"], state["opt"]

            def infer():
                net.eval()
                with torch.no_grad():
                    net(x)

            def train():
                net.train()
                opt.zero_grad(set_to_none=True)
                loss = nn.functional.cross_entropy(net(x), y)
                loss.backward()
                opt.step()

            run = infer if cmd["what"] == "infer" else train
            for _ in range(cmd.get("warmup", 1)):
                run()
            ms = []
            for _ in range(cmd["runs"]):
                t0 = time.perf_counter()
                run()
                ms.append((time.perf_counter() - t0) * 1000)
            out = {"ms": ms, "maxrss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
        else:
            out = {"error": f"unknown op {op}"}
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
