"""Writes the .npy fixtures of NpyReaderTests with NumPy itself (the independent oracle for the reader).

Run from this folder: python3 make_fixtures.py   (made with NumPy 1.24.2, Debian's python3-numpy)
Values: v(i) = (i - 3) * 0.5 + i / 7 for floats, i - 3 for signed ints, i for unsigned, i % 3 == 0 for bools,
in C order over the flattened index i; NpyReaderTests recomputes them.
"""
import numpy as np
from numpy.lib import format as npf


def floats(n):
    i = np.arange(n, dtype=np.float64)
    return (i - 3) * 0.5 + i / 7


def save(name, a, version=None):
    with open(name, "wb") as f:
        npf.write_array(f, a, version=version, allow_pickle=True)


# Accepted dtypes, 1-D and 2-D.
save("f8_1d.npy", floats(7))
save("f8_2d.npy", floats(12).reshape(3, 4))
save("f4_1d.npy", floats(7).astype("<f4"))
save("f4_2d.npy", floats(6).reshape(2, 3).astype("<f4"))
save("f2_1d.npy", floats(5).astype("<f2"))
save("i4_1d.npy", (np.arange(6) - 3).astype("<i4"))
save("i8_1d.npy", (np.arange(6) - 3).astype("<i8"))
save("u1_1d.npy", np.arange(6).astype("u1"))
save("b1_1d.npy", np.arange(7) % 3 == 0)
save("f8_empty.npy", np.zeros(0))
# Header versions 2.0 and 3.0 (3.0: UTF-8 header).
save("f8_1d_v2.npy", floats(7), version=(2, 0))
save("f8_1d_v3.npy", floats(7), version=(3, 0))
# A 1-D array flagged Fortran-ordered has the same bytes as C order.
# Refused: big endian, Fortran-ordered 2-D, object, complex, string, structured, 0-D, 3-D.
save("f8_big_endian.npy", floats(4).astype(">f8"))
save("f8_fortran.npy", np.asfortranarray(floats(6).reshape(2, 3)))
save("object.npy", np.array([1.0, "a", None], dtype=object))
save("complex.npy", np.arange(3).astype(np.complex128))
save("unicode.npy", np.array(["ab", "c"]))
save("structured.npy", np.zeros(3, dtype=[("x", "<f8"), ("y", "<i4")]))
save("scalar.npy", np.array(2.5))
save("f8_3d.npy", floats(8).reshape(2, 2, 2))
# Truncated data and a file holding two arrays.
with open("f8_1d.npy", "rb") as f:
    whole = f.read()
with open("truncated.npy", "wb") as f:
    f.write(whole[:-5])
with open("two_arrays.npy", "wb") as f:
    np.save(f, floats(3))
    np.save(f, floats(3))
np.savez("archive.npz", a=floats(3))
