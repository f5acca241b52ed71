"""Detection: published indicators over the partner records, risk scores and automatic signals."""
