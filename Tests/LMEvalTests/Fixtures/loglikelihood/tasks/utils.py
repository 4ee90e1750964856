# A task folder re-exporting lm-eval's own aggregation, as many of lm-eval's task folders do.
from lm_eval.utils import weighted_f1_score  # noqa: F401
