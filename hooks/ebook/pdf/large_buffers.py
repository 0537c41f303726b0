"""The build's large buffers (each PDF printed and finished, several MB at a time) handed back to
the system as soon as they are freed.

glibc gives a block of 128 KiB or more a mapping of its own, returned to the system when it is
freed, but raises that threshold to the size of the largest such block freed so far (up to 32
MiB): after the book's PDF, the next buffers came from the heap, which kept what they freed. At
200 chapters that was about 30 MiB more held by the build's Python from then on, while the book's
PDF was finished, the peak of the build's memory. Setting the threshold fixes it where it
starts. A C library without `mallopt` (not glibc) is left as it is.
"""

from __future__ import annotations

import ctypes

M_MMAP_THRESHOLD = -3  # glibc's <malloc.h>
MMAP_THRESHOLD = 128 * 1024  # glibc's own starting threshold


def keep_large_blocks_mapped() -> bool:
    """Fix the threshold for this process; False when the C library has no `mallopt`."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
