"""Cohort statistics as pure functions over plain arrays and counts.

No database, no Flask: the read side (`app.services.cohort`) fetches paired intake/exit
scores with SQL aggregates and hands numpy arrays to these functions, so every figure an
evaluator sees can be checked by hand in a test. Inferential statistics come from scipy;
the one exact distribution scipy lacks (Wilcoxon with ties) is tested against scipy's
permutation test.
"""
from .age import AGE_BANDS, age_band, age_bands, birth_years_for
from .disclosure import protect_table
from .levels import level_distribution, share_moving_up
from .paired import (
    EffectSize,
    PairedSummary,
    PValueMethod,
    Share,
    TestResult,
    cohens_dz,
    share,
    summarise_pairs,
    wilcoxon_p,
)

__all__ = [
    "AGE_BANDS",
    "EffectSize",
    "PValueMethod",
    "PairedSummary",
    "Share",
    "TestResult",
    "age_band",
    "age_bands",
    "birth_years_for",
    "cohens_dz",
    "level_distribution",
    "protect_table",
    "share",
    "share_moving_up",
    "summarise_pairs",
    "wilcoxon_p",
]
