#!/usr/bin/env python3
"""Create a benchmark tree fast: nested directories, FANOUT subdirectories per
level, PER_DIR empty regular files in each leaf directory, enough leaves for
FILES files. Also the overlay lower layer (--overlay): big files plus small
ones. Everything is created with os.open/os.mkdir relative to directory fds,
no subprocess per entry.

usage: mktree.py tree DIR FILES [PER_DIR] [FANOUT]
       mktree.py overlay DIR BIG_FILES BIG_BYTES SMALL_FILES
Prints the number of entries below DIR (DIR itself excluded)."""
import os
import sys


def tree(root, files, per_dir=100, fanout=10):
    leaves = -(-files // per_dir)
    depth = 0
    while fanout ** depth < leaves:
        depth += 1
    os.makedirs(root, exist_ok=True)
    entries = 0
    made = 0
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC

    def fill(dfd):
        nonlocal entries, made
        for i in range(per_dir):
            if made >= files:
                return
            os.close(os.open(f"file-{i:03d}.dat", flags, 0o644, dir_fd=dfd))
            made += 1
            entries += 1

    def level(dfd, d):
        nonlocal entries
        if d == depth:
            fill(dfd)
            return
        for i in range(fanout):
            if made >= files:
                return
            name = f"dir-{d}-{i:02d}"
            os.mkdir(name, 0o755, dir_fd=dfd)
            entries += 1
            sub = os.open(name, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC, dir_fd=dfd)
            try:
                level(sub, d + 1)
            finally:
                os.close(sub)

    rfd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
    try:
        level(rfd, 0)
    finally:
        os.close(rfd)
    return entries


def overlay(root, big, big_bytes, small):
    os.makedirs(os.path.join(root, "big"), exist_ok=True)
    os.makedirs(os.path.join(root, "small"), exist_ok=True)
    block = bytes(range(256)) * (1 << 12)  # 1 MiB of non-zero pattern
    entries = 2
    for i in range(big):
        with open(os.path.join(root, "big", f"blob-{i:04d}.bin"), "wb") as f:
            left = big_bytes
            while left > 0:
                n = min(left, len(block))
                f.write(block[:n])
                left -= n
        entries += 1
    entries += tree(os.path.join(root, "small"), small, 100, 10)
    return entries


if __name__ == "__main__":
    a = sys.argv[1:]
    if len(a) >= 3 and a[0] == "tree":
        print(tree(a[1], int(a[2]), *(int(x) for x in a[3:5])))
    elif len(a) == 5 and a[0] == "overlay":
        print(overlay(a[1], int(a[2]), int(a[3]), int(a[4])))
    else:
        sys.exit(__doc__)
