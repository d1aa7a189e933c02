"""The quarterly return's lifecycle, registered with the reporting rounds (and so with the workflow engine).

The lifecycle itself is the reporting app's, for every kind of return (saferhub/reporting/workflows.py);
what is the quarterly return's own is declared in returns.py. Imported when the app is ready (apps.py), as
its permissions are.
"""

from saferhub.performance.returns import QUARTERLY_RETURN
from saferhub.reporting.services import return_kind_register

return_kind_register(QUARTERLY_RETURN)
