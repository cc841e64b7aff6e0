"""Pairs held out of a round for measurement.

A program may keep a share of all pairs of a round apart on purpose, so that pairs
who could have met but were not matched form a fair comparison group for "does it
pay off?". Which pairs are held out is a pure function of the two person ids, the
share and a seed (the round's), the same in every process: the engine never puts
such a pair in one group, and the analysis can tell afterwards which pairs of a round
were held out without anything but the seed being stored. Pairs, not people: nobody
is left out because of it, they only meet someone else.
"""

from __future__ import annotations

from collections.abc import Sequence
from hashlib import blake2b

import numpy as np
import numpy.typing as npt

HashArray = npt.NDArray[np.uint64]
_M1 = np.uint64(0xBF58476D1CE4E5B9)
_M2 = np.uint64(0x94D049BB133111EB)


def person_hashes(ids: Sequence[str]) -> HashArray:
    """A stable 64-bit number per person id (not Python's per-process ``hash``)."""
    return np.fromiter(
        (int.from_bytes(blake2b(i.encode(), digest_size=8).digest(), "little") for i in ids),
        dtype=np.uint64,
        count=len(ids),
    )


def _mix(z: HashArray) -> HashArray:
    """splitmix64's finaliser: every bit of the input moves about half of the output."""
    z = (z ^ (z >> np.uint64(30))) * _M1
    z = (z ^ (z >> np.uint64(27))) * _M2
    return np.asarray(z ^ (z >> np.uint64(31)), dtype=np.uint64)


def held_out(
    h_a: HashArray | np.uint64, h_b: HashArray | np.uint64, *, share: float, seed: int
) -> npt.NDArray[np.bool_]:
    """Whether each pair (a, b), given by ``person_hashes``, is one of the ``share`` of
    all pairs held out in the round of ``seed``. Symmetric in a and b."""
    a = np.asarray(h_a, dtype=np.uint64)
    b = np.asarray(h_b, dtype=np.uint64)
    if share <= 0:
        return np.zeros(np.broadcast(a, b).shape, dtype=bool)
    low, high = np.minimum(a, b), np.maximum(a, b)
    with np.errstate(over="ignore"):
        seeded = np.uint64(seed % 2**64)
        z = _mix(np.atleast_1d(low ^ _mix(np.atleast_1d(high ^ seeded))))
    threshold = np.uint64(min(int(share * 2**53), 2**53))
    out = (z >> np.uint64(11)) < threshold
    return out.reshape(np.broadcast(a, b).shape)
