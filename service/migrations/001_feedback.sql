-- 001: editor corrections posted to /v1/feedback.
-- Portable SQL (SQLite and PostgreSQL). document_id is '' when absent so the
-- idempotency key (text_sha256, corrected, document_id) also holds without one.
CREATE TABLE IF NOT EXISTS feedback (
    id            TEXT PRIMARY KEY,
    text          TEXT NOT NULL,
    text_sha256   TEXT NOT NULL,
    predicted     TEXT NOT NULL,
    corrected     TEXT NOT NULL,
    model_version TEXT,
    document_id   TEXT NOT NULL DEFAULT '',
    url           TEXT,
    created_at    TEXT NOT NULL,
    CONSTRAINT feedback_dedup UNIQUE (text_sha256, corrected, document_id)
);
CREATE INDEX IF NOT EXISTS feedback_created_at ON feedback (created_at);
