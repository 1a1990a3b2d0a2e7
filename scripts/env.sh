# Sourced by the scripts: the shared offline CIFAR-10 copy beside the repository, when present and
# nothing else was chosen (an explicit CIFAR10_ROOT wins).
if [ -z "${CIFAR10_ROOT:-}" ]; then
    if [ -f ../shared/datasets/cifar10-jpeg.tar.gz ]; then
        CIFAR10_ROOT="$(cd ../shared/datasets && pwd)"
        export CIFAR10_ROOT
    else
        echo "note: CIFAR10_ROOT is not set and ../shared/datasets is missing; CIFAR-10 will be looked for in ~/.cache/ai-vision-course" >&2
    fi
fi
