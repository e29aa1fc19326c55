-- Why Alongside has stopped sending a member check-in DMs (reminders, buddy introductions,
-- request outcomes) in this server, if it has: 'dms_closed' (Discord error 50007),
-- 'no_mutual_server' (50278) or 'left' (no longer a member). Nothing is retried while it is set;
-- it is cleared, and the member told, the next time they use a command in the server.
ALTER TABLE checkin_members ADD COLUMN dm_paused TEXT;
ALTER TABLE checkin_members ADD COLUMN dm_paused_at TEXT;
