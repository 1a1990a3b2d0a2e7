# Sourced by the scripts: the shared offline CIFAR-10 copy when present and nothing else was chosen.
if [ -z "${CIFAR10_ROOT:-}" ] && [ -f ../shared/datasets/cifar10-jpeg.tar.gz ]; then
    CIFAR10_ROOT="$(cd ../shared/datasets && pwd)"
    export CIFAR10_ROOT
fi
