import pytest

from . import network


@pytest.fixture
def net(db) -> network.Network:
    return network.build()
