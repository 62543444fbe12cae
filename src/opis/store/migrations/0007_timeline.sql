-- Timeline filters by place/person (opis.timeline): the distinct surfaces of one mention type and
-- the distinct glosses are read by index seeks, and the mentions they name are found by index.
CREATE INDEX IF NOT EXISTS mentions_type_surface ON mentions(type, surface);
CREATE INDEX IF NOT EXISTS mentions_gloss ON mentions(gloss) WHERE gloss IS NOT NULL;
