-- What a mention does in its text when it is not simply naming (opis.model.Mention.role):
-- 'publication_place' for the place of publication in a citation, kept off the map and out of
-- co-occurrence. NULL for an ordinary mention.
ALTER TABLE mentions ADD COLUMN role TEXT;
