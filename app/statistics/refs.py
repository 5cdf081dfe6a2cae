"""Names of the derived scores stored beside the item and subscale scores of an assessment.

"total" is the instrument's total (KASAM's sum, CEFR's overall level); "mean" is the mean of
the answered areas of a wheel, which goals such as "documented step progression" are set on.
Stored scores, the dashboard and the exports use these names.
"""
TOTAL = "total"
MEAN_OF_ITEMS = "mean"
