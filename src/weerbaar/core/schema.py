"""The full metadata: imports every capability's tables so migrations see them all.

This is the one place that looks outward from core; it exists only for Alembic and tests.
"""

from weerbaar.access import models as _access  # noqa: F401
from weerbaar.cases import models as _cases  # noqa: F401
from weerbaar.core.models import Base
from weerbaar.detect import models as _detect  # noqa: F401
from weerbaar.ingest import models as _ingest  # noqa: F401
from weerbaar.intake import models as _intake  # noqa: F401
from weerbaar.prevention import barriers_models as _barriers  # noqa: F401
from weerbaar.prevention import scan_models as _scan  # noqa: F401
from weerbaar.prevention import sessions_models as _sessions  # noqa: F401
from weerbaar.prevention import training_models as _training  # noqa: F401
from weerbaar.resolve import models as _resolve  # noqa: F401

metadata = Base.metadata
