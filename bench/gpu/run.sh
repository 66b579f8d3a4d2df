#!/bin/bash
# On a bare GPU machine (the `device` tool, with carry [".gpu/ship", ".gl"] from bench/gpu/ship.mjs):
# installs the Vulkan loader, unpacks Node + Dawn, runs bench jobs on webgpu, one process each as
# bench/run.ts does, and writes their JSON to $OUT (default ./out).
#   bash bench/gpu/run.sh [job ...]    # jobs: convkit tfjs-layers tfjs-layers+kernels norms augment optimizers
R=$(pwd)
OUT=${OUT:-$R/out}
mkdir -p "$OUT"
for f in .gl/*.deb; do dpkg -x "$f" /; done
ldconfig
nvidia-smi -L 2>/dev/null
# NVIDIA's container runtime mounts its Vulkan ICD outside the loader's search path.
if ! ls /etc/vulkan/icd.d/nvidia* /usr/share/vulkan/icd.d/nvidia* >/dev/null 2>&1 &&
  [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ]; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
fi
mkdir -p /tmp/g && python3 -c "import tarfile,sys; tarfile.open(sys.argv[1],'r:xz').extractall('/tmp/g')" .gpu/ship/pkg.tar.xz || exit 3
cp .gpu/ship/child.mjs /tmp/g/ && cd /tmp/g || exit 4
./bin/node --version
jobs=${*:-convkit tfjs-layers tfjs-layers+kernels norms augment optimizers}
for j in $jobs; do
  start=$(date +%s)
  timeout "${JOB_TIMEOUT_S:-110}" ./bin/node child.mjs "$j" webgpu "$OUT/${j/+/-}.json"
  echo "== $j rc=$? $(($(date +%s) - start)) s"
done
