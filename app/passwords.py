"""Password hashing (argon2id), free of any web framework so services and scripts share it.

The cost parameters come from settings: production keeps the library's recommended ones
(and `Settings.check` refuses weaker), tests use cheap ones so the suite does not spend its
time hashing. Nothing is hashed at import time: the timing equaliser for unknown emails is
made on first use, with the parameters then in force.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import RFC_9106_LOW_MEMORY


@dataclass(frozen=True)
class HashCost:
    """argon2id's cost: passes over memory, memory in KiB, and lanes."""

    time_cost: int = RFC_9106_LOW_MEMORY.time_cost
    memory_kib: int = RFC_9106_LOW_MEMORY.memory_cost
    parallelism: int = RFC_9106_LOW_MEMORY.parallelism


# OWASP's floor for argon2id (19 MiB, 2 passes); production refuses anything cheaper.
MINIMUM_COST = HashCost(time_cost=2, memory_kib=19 * 1024, parallelism=1)

_cost = HashCost()


def configure(cost: HashCost) -> None:
    """Use `cost` for new hashes from now on (called once by the app factory)."""
    global _cost
    _cost = cost


@cache
def _hasher(cost: HashCost) -> PasswordHasher:
    return PasswordHasher(time_cost=cost.time_cost, memory_cost=cost.memory_kib,
                          parallelism=cost.parallelism)


@cache
def _dummy_hash(cost: HashCost) -> str:
    # Verifying against this when the email is unknown keeps sign-in time the same either way.
    return _hasher(cost).hash("stegvis-timing-equaliser")


def hash_password(password: str) -> str:
    """An argon2id hash of `password` at the configured cost."""
    return _hasher(_cost).hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """True when `password` matches; spends the same time when there is no user."""
    try:
        return _hasher(_cost).verify(password_hash or _dummy_hash(_cost), password) \
            and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with other parameters than today's (upgraded at sign-in)."""
    return _hasher(_cost).check_needs_rehash(password_hash)
