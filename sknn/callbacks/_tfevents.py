"""A dependency-free writer of TensorBoard event files (scalars only).

An event file is a sequence of TFRecords, each holding one serialized ``Event``
protocol buffer. The formats are small and documented, so writing them takes a few
dozen lines rather than TensorFlow or a protobuf runtime:

* TFRecord: ``uint64 length | uint32 masked_crc32c(length) | data |
  uint32 masked_crc32c(data)``, little-endian, where
  ``masked(c) = ((c >> 15) | (c << 17)) + 0xa282ead8`` (mod 2**32).
* ``Event``: ``wall_time`` (field 1, double), ``step`` (2, int64), ``file_version``
  (3, string; the first record says ``"brain.Event:2"``), ``summary`` (5, message).
* ``Summary``: repeated ``value`` (1, message); ``Summary.Value``: ``tag`` (1,
  string), ``simple_value`` (2, float).
"""

import itertools
import math
import os
import socket
import struct
import time

# Castagnoli polynomial, bit-reversed; TFRecord checksums use CRC-32C, not zlib's CRC-32.
_CRC32C_POLY = 0x82F63B78


def _crc32c_table():
    table = []
    for byte in range(256):
        crc = byte
        for _ in range(8):
            crc = (crc >> 1) ^ _CRC32C_POLY if crc & 1 else crc >> 1
        table.append(crc)
    return table


_TABLE = _crc32c_table()


def crc32c(data):
    """CRC-32C of ``data`` (bytes); records are small, so a table loop is fast enough."""
    crc = 0xFFFFFFFF
    for byte in data:
        crc = _TABLE[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def masked_crc32c(data):
    crc = crc32c(data)
    return (((crc >> 15) | (crc << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def tfrecord(data):
    """Frame ``data`` as one TFRecord."""
    length = struct.pack("<Q", len(data))
    return (length + struct.pack("<I", masked_crc32c(length)) + data
            + struct.pack("<I", masked_crc32c(data)))


# -- protocol buffer wire format ----------------------------------------------------
def _varint(value):
    out = bytearray()
    value &= (1 << 64) - 1  # negative int64 values are sent as 10-byte two's complement
    while True:
        bits = value & 0x7F
        value >>= 7
        if value:
            out.append(bits | 0x80)
        else:
            out.append(bits)
            return bytes(out)


def _key(field, wire_type):
    return _varint((field << 3) | wire_type)


def _bytes_field(field, payload):
    return _key(field, 2) + _varint(len(payload)) + payload


def scalar_summary(tag, value):
    """A serialized ``Summary`` with one ``simple_value`` (a float32)."""
    entry = _bytes_field(1, tag.encode("utf-8")) + _key(2, 5) + _float32(value)
    return _bytes_field(1, entry)


def _float32(value):
    """``value`` packed as a float32; beyond its range, the infinity of that sign (as a
    float32 summary would hold it), where ``struct`` raises OverflowError."""
    try:
        return struct.pack("<f", value)
    except OverflowError:
        return struct.pack("<f", math.copysign(math.inf, value))


def event(wall_time, step=0, file_version=None, summary=None):
    """A serialized ``Event``."""
    out = _key(1, 1) + struct.pack("<d", wall_time) + _key(2, 0) + _varint(int(step))
    if file_version is not None:
        out += _bytes_field(3, file_version.encode("utf-8"))
    if summary is not None:
        out += _bytes_field(5, summary)
    return out


class EventFileWriter:
    """Append scalar events to a new event file in ``log_dir``.

    The file name follows TensorBoard's pattern
    (``events.out.tfevents.<time>.<host>.<pid>.<n>``), which is how TensorBoard finds
    event files in a log directory.
    """

    # next() on a count is atomic: fits in parallel threads get distinct file names.
    _numbers = itertools.count(1)

    def __init__(self, log_dir):
        os.makedirs(log_dir, exist_ok=True)
        now = time.time()
        name = (f"events.out.tfevents.{int(now)}.{socket.gethostname()}."
                f"{os.getpid()}.{next(EventFileWriter._numbers)}")
        self.path = os.path.join(log_dir, name)
        self._file = open(self.path, "wb")
        self._file.write(tfrecord(event(now, file_version="brain.Event:2")))
        self._file.flush()

    def add_scalars(self, step, scalars):
        """Write ``{tag: value}`` at ``step`` as one event and flush it."""
        summary = b"".join(scalar_summary(tag, float(v)) for tag, v in scalars.items())
        self._file.write(tfrecord(event(time.time(), step=step, summary=summary)))
        self._file.flush()

    def close(self):
        self._file.close()
