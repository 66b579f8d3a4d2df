"""Regenerates every package's PyTorch golden values: runs packages/*/fixtures/make_fixtures.py.

Needs Debian's python3-torch (and python3-torchvision for @convkit/augment and @convkit/data, which also uses python3-pil):
    apt-get install python3-torch python3-torchvision && pnpm fixtures
"""
import pathlib
import subprocess
import sys

root = pathlib.Path(__file__).resolve().parent.parent
scripts = sorted(root.glob("packages/*/fixtures/make_fixtures.py"))
for script in scripts:
    print(f"== {script.relative_to(root)}", flush=True)
    subprocess.run([sys.executable, str(script)], cwd=script.parent, check=True)
print(f"{len(scripts)} fixture scripts ran")
