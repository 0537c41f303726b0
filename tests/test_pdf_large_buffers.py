"""The build's large buffers go back to the system when freed, after a larger one too."""

from __future__ import annotations

import subprocess
import sys

from tests.helpers import ROOT

# After a 20 MiB buffer is freed, ten of 1 MiB are made: how many blocks have mappings of their
# own (glibc's mallinfo2), and so go back to the system as soon as they are freed.
MAPPED_AFTER_A_LARGER_ONE = """
import ctypes, sys
sys.path.insert(0, sys.argv[1])
from ebook.pdf.large_buffers import keep_large_blocks_mapped

class Mallinfo2(ctypes.Structure):
    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]

libc = ctypes.CDLL(None)
libc.mallinfo2.restype = Mallinfo2
if sys.argv[2] == "kept":
    assert keep_large_blocks_mapped()
larger = bytearray(20 * 2**20)
del larger
buffers = [bytearray(2**20) for _ in range(10)]
print(libc.mallinfo2().hblks)
"""


def mapped_blocks(setting: str) -> int:
    found = subprocess.run([sys.executable, "-c", MAPPED_AFTER_A_LARGER_ONE, str(ROOT / "hooks"), setting],
                           capture_output=True, text=True, check=True)
    return int(found.stdout)


def test_buffers_of_a_mib_are_mapped_after_a_larger_one_was_freed() -> None:
    assert mapped_blocks("kept") >= 10
    # Without it, glibc would have served them from its heap, which keeps what is freed.
    assert mapped_blocks("as glibc does") < 10
