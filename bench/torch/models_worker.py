"""PyTorch side of the `models` bench job: times torchvision models in eval mode, on request.

Reads one JSON request per line on stdin, {"model": "resnet50", "batch": 8, "runs": 3, "warmup": 1},
and answers one JSON line: {"ms": [..]} (wall time of each timed forward pass under torch.no_grad()).
The first line it prints says whether PyTorch is there: {"ready": true, "torch": "1.13.0", "threads": 2}
or {"ready": false, "error": "..."}. Models are built once, with torchvision's own initialization:
  resnet18_cifar  torchvision resnet18, 10 classes, 3×3 stride-1 stem, no max-pool (convkit's resnet18_cifar)
  resnet50, vgg11 torchvision's.
"""
import json
import sys
import time

try:
    import torch
    import torch.nn as nn
    import torchvision.models as tvm
except Exception as err:  # noqa: BLE001 - any import failure means "no PyTorch here"
    print(json.dumps({"ready": False, "error": f"{type(err).__name__}: {err}"}), flush=True)
    sys.exit(0)

SIZES = {"resnet18_cifar": 32, "resnet50": 224, "vgg11": 224}


def build(name):
    if name == "resnet18_cifar":
        model = tvm.resnet18(num_classes=10)
        model.conv1 = nn.Conv2d(3, 64, 3, 1, 1, bias=False)
        model.maxpool = nn.Identity()
        return model
    return getattr(tvm, name)()


def main():
    torch.manual_seed(0)
    print(json.dumps({"ready": True, "torch": torch.__version__, "threads": torch.get_num_threads()}), flush=True)
    models = {}
    for line in sys.stdin:
        request = json.loads(line)
        name = request["model"]
        if name not in models:
            models[name] = build(name).eval()
        size = SIZES[name]
        x = torch.randn(request["batch"], 3, size, size)
        times = []
        with torch.no_grad():
            for i in range(request.get("warmup", 1) + request["runs"]):
                t0 = time.perf_counter()
                models[name](x)
                if i >= request.get("warmup", 1):
                    times.append(1000 * (time.perf_counter() - t0))
        print(json.dumps({"ms": times}), flush=True)


if __name__ == "__main__":
    main()
