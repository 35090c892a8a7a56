-- Creativity: how adventurous the model's sampling is for a member (low, medium, high), or
-- a server's default for it. NULL means "not set", as for every style column: the next
-- layer applies, and with none set the bot's configured sampling (medium).
-- ADD COLUMN keeps every existing row; each starts with creativity unset.

ALTER TABLE member_styles
    ADD COLUMN creativity TEXT CHECK (creativity IN ('low', 'medium', 'high'));

ALTER TABLE guild_style_defaults
    ADD COLUMN creativity TEXT CHECK (creativity IN ('low', 'medium', 'high'));
