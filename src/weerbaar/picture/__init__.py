"""The shared picture: aggregates per wijk and buurt (map, trends, dashboard, the
ondermijningsbeeld report) for everyone entitled, and networks around a subject only behind
need-to-know. Reads intake, resolve, detect and cases; writes nothing but area boundaries.
"""
