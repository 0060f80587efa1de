"""Reading and writing workbooks: the only place that knows about sheets and cells."""
