"""An in-memory stand-in for the model's cache writer: arrays kept in a dictionary."""

import numpy as np


class ArrayWriter:
    """Keep the arrays the model's derived computations write, by name."""

    def __init__(self):
        self.arrays = {}

    def empty(self, name, shape, dtype):
        """A zero array registered under `name`, filled by the caller."""
        self.arrays[name] = np.zeros(shape, dtype)
        return self.arrays[name]

    def save(self, name, arr):
        """Register `arr` under `name` and return it."""
        self.arrays[name] = np.asarray(arr)
        return arr
