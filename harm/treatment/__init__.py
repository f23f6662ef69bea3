"""Drug and alcohol treatment: data sets, readers, outcomes with Wilson intervals, unmet need.

Public entry points (see each module):

- :func:`demo_data` — the synthetic demonstration set; :func:`read_treatment_files` —
  OHID Fingertips / NDTMS ViewIt / the dashboard's own CSV, combined;
  :func:`read_stored_treatment` — a treatment data set imported on the Data page.
- :func:`annual_summary` — per area, year and substance: in treatment, completions, ...
- :func:`outcome_table`, :func:`completion_table`, :func:`completion_output` — proportions
  with Wilson 95% intervals against England; :func:`wilson_interval`, :func:`compare_with_england`.
- :func:`unmet_need`, :func:`cost_to_society` — METHODS.md §6 and §7.
"""

from harm.treatment.annual import annual_summary
from harm.treatment.data import TreatmentData, combine, demo_data
from harm.treatment.need import cost_to_society, unmet_need
from harm.treatment.outcomes import (OUTCOMES, compare_with_england, completion_output, completion_table,
                                     outcome_table, suppress_outcomes, wilson_interval)
from harm.treatment.readers import (read_stored_treatment, read_treatment_file, read_treatment_files,
                                    stored_treatment_names)

__all__ = ["OUTCOMES", "TreatmentData", "annual_summary", "combine", "compare_with_england", "completion_output",
           "completion_table", "cost_to_society", "demo_data", "outcome_table", "read_treatment_file",
           "read_treatment_files", "read_stored_treatment", "stored_treatment_names", "suppress_outcomes", "unmet_need",
           "wilson_interval"]
