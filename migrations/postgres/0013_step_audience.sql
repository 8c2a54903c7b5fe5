-- Who a step sent person by person goes to (a nudge: one part for each member of the panel), as a JSON array of
-- user ids in part order, fixed as its first post begins. A retry after some parts went out sends the rest to the
-- same people, even if the panel changed meanwhile (a hand-over): parts are counted, not named, so a list read
-- afresh would shift and send someone their part twice while another never gets theirs. Same column as the SQLite
-- schema.
ALTER TABLE steps ADD COLUMN audience TEXT;
