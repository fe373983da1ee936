-- Company-wide roll-ups read everyone's visits of a span and the visits still open.
CREATE INDEX visit_started ON visit(started_at);
CREATE INDEX visit_open ON visit(rep_id) WHERE ended_at IS NULL;
