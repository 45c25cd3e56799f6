-- The test feeder stands in for order: it only needs the platform's outbox, added beside this table.
CREATE TABLE feeder_notes (id TEXT PRIMARY KEY);
