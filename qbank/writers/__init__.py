"""Writers of qbank's own formats (the export targets are in exporters/)."""
