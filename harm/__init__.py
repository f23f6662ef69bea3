"""harm: the engine behind the drug- and alcohol-harm dashboard.

Plain functions over pandas / geopandas. Nothing here imports streamlit except
``harm.ui``. Every number a page shows comes from a function in this package.
"""

__version__ = "0.1.0"
