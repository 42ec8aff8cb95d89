"""Keep prediction over a read-only memory-mapped X from filling RSS with file pages.

Predicting batch by batch bounds the memory sknn allocates, but a memory map keeps
every page it has read resident until the map is closed: over a 4 GB file the process's
RSS grows to 4 GB of (reclaimable, yet counted) page cache. After each batch,
:func:`page_releaser`'s function tells the kernel those pages are no longer needed
(``madvise(MADV_DONTNEED)``), which for a read-only shared file mapping only unmaps
them: the data stay in the file and are read again if touched.
"""

import mmap

import numpy as np


def _mapping_of(X):
    """The (np.memmap, mmap.mmap) pair X views, or (None, None)."""
    memmap, owner = None, X
    while owner is not None and not isinstance(owner, mmap.mmap):
        if isinstance(owner, np.memmap):
            memmap = owner
        owner = getattr(owner, "base", None)
    return (memmap, owner) if memmap is not None and owner is not None else (None, None)


def page_releaser(X):
    """A function ``release(start_row, stop_row)`` dropping those rows' pages, or None.

    Only for C-contiguous X viewing a memmap opened with ``mode="r"`` (dropping pages
    of a copy-on-write map would lose the caller's changes), where the platform has
    ``madvise``.
    """
    memmap, mm = _mapping_of(X)
    if memmap is None or memmap.mode != "r" or not X.flags.c_contiguous \
            or not hasattr(mm, "madvise") or X.ndim < 1 or X.shape[0] == 0:
        return None
    # The mmap starts ALLOCATIONGRANULARITY-aligned before the memmap's first byte.
    map_start = memmap.ctypes.data - memmap.offset % mmap.ALLOCATIONGRANULARITY
    x_offset = X.ctypes.data - map_start
    row_bytes = X.strides[0]
    page = mmap.PAGESIZE

    def release(start_row, stop_row):
        first = (x_offset + start_row * row_bytes) // page * page
        last = min(x_offset + stop_row * row_bytes, len(mm))
        if last > first:
            mm.madvise(mmap.MADV_DONTNEED, first, last - first)

    return release
