-- The test feeder keeps nothing of its own; its database exists for the platform's outbox.
CREATE TABLE feeder_notes (id TEXT PRIMARY KEY);
