-- Which claim took a step: a number the claiming instance gives each of its claims. When the database's answer
-- to a claim is lost (the connection cut after the change was made), the instance knows that claim's number but
-- not its steps: it hands back the steps that carry it as soon as the database answers again, instead of leaving
-- them claimed until the lease runs out and then treating them as possibly posted. Same column as the SQLite schema.
ALTER TABLE steps ADD COLUMN claim_id BIGINT;
