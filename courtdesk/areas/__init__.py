"""The areas of the court's office work: one package each, declared by its ``AREA``
(see :mod:`courtdesk.kernel.area`). Nothing here lists them: they are discovered."""
