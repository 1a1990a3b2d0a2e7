#!/usr/bin/env bash
# Prepare .gpu-kit/ (ignored by git) on a machine with the package registries, for scripts/gpu_check.sh on a GPU
# machine that has its own PyTorch and no internet: the pure-Python wheels the grader needs beyond such an image
# (Babel for the message catalogs, koreanize-matplotlib for the Korean font, setuptools to install this checkout
# without build isolation) and the CIFAR-10 archive; the GPU image's own pytest, click, numpy and torch are used.
#   bash scripts/gpu_kit.sh            then carry .gpu-kit with the checkout (about 40 MiB)
set -euo pipefail
cd "$(dirname "$0")/.."
KIT="${GPU_KIT:-.gpu-kit}"
. scripts/env.sh
mkdir -p "$KIT/wheels" "$KIT/data"
python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: --dest "$KIT/wheels" \
    "babel>=2.12" "koreanize-matplotlib>=0.1.1" "setuptools>=68"
install -m 0644 "$CIFAR10_ROOT/cifar10-jpeg.tar.gz" "$CIFAR10_ROOT/cifar10-jpeg.tar.gz.sha256" "$KIT/data/"
ls -l "$KIT/wheels" "$KIT/data"
du -sh "$KIT"
