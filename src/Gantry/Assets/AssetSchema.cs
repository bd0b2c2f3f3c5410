namespace Gantry.Assets;

/// <summary>
/// Migration step 5: the asset tables. <c>asset_blobs</c> maps a blob's SHA-256 (its name in the content store,
/// shared with uploads and outputs) to its BLAKE3 hash (what the Cloud and v2 specs call <c>asset_hash</c>/<c>hash</c>);
/// one row per stored content. <c>assets</c> are the per-user records over a blob (<c>seq</c> keeps listing stable,
/// <c>name_folded</c> is the lowercase name for <c>name_contains</c>). <c>asset_tags</c> carries the owner so tag
/// counts and filters walk one user's slice; <c>asset_metadata</c> holds each top-level <c>user_metadata</c> key with its
/// value as compact JSON, so <c>metadata_filter</c> is an indexed equality on both backends.
/// </summary>
internal static class AssetSchema
{
    public const string Sqlite = """
        CREATE TABLE asset_blobs (
            sha256 TEXT PRIMARY KEY,
            blake3 TEXT NOT NULL UNIQUE,
            size INTEGER NOT NULL,
            created_at_ms INTEGER NOT NULL
        );

        CREATE TABLE assets (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            id BLOB NOT NULL UNIQUE CHECK (length(id) = 16),
            user_id INTEGER NOT NULL REFERENCES users (id),
            sha256 TEXT NOT NULL REFERENCES asset_blobs (sha256),
            name TEXT NOT NULL,
            name_folded TEXT NOT NULL,
            mime_type TEXT,
            size INTEGER NOT NULL,
            user_metadata TEXT,
            preview_id BLOB,
            job_id BLOB,
            created_at_ms INTEGER NOT NULL,
            updated_at_ms INTEGER NOT NULL,
            last_access_ms INTEGER NOT NULL,
            expires_at_ms INTEGER
        );
        CREATE INDEX ix_assets_user_seq ON assets (user_id, seq);
        CREATE INDEX ix_assets_user_hash ON assets (user_id, sha256);
        CREATE INDEX ix_assets_hash ON assets (sha256);

        CREATE TABLE asset_tags (
            asset_seq INTEGER NOT NULL REFERENCES assets (seq) ON DELETE CASCADE,
            user_id INTEGER NOT NULL,
            tag TEXT NOT NULL,
            PRIMARY KEY (asset_seq, tag)
        );
        CREATE INDEX ix_asset_tags_user_tag ON asset_tags (user_id, tag, asset_seq);

        CREATE TABLE asset_metadata (
            asset_seq INTEGER NOT NULL REFERENCES assets (seq) ON DELETE CASCADE,
            key TEXT NOT NULL,
            value TEXT NOT NULL,
            PRIMARY KEY (asset_seq, key)
        );
        """;

    // COLLATE "C": names and tags sort by code point, as SQLite's BINARY does, so both backends page alike.
    public const string Postgres = """
        CREATE TABLE asset_blobs (
            sha256 text PRIMARY KEY,
            blake3 text NOT NULL UNIQUE,
            size bigint NOT NULL,
            created_at_ms bigint NOT NULL
        );

        CREATE TABLE assets (
            seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            id uuid NOT NULL UNIQUE,
            user_id bigint NOT NULL REFERENCES users (id),
            sha256 text NOT NULL REFERENCES asset_blobs (sha256),
            name text COLLATE "C" NOT NULL,
            name_folded text COLLATE "C" NOT NULL,
            mime_type text,
            size bigint NOT NULL,
            user_metadata text,
            preview_id uuid,
            job_id uuid,
            created_at_ms bigint NOT NULL,
            updated_at_ms bigint NOT NULL,
            last_access_ms bigint NOT NULL,
            expires_at_ms bigint
        );
        CREATE INDEX ix_assets_user_seq ON assets (user_id, seq);
        CREATE INDEX ix_assets_user_hash ON assets (user_id, sha256);
        CREATE INDEX ix_assets_hash ON assets (sha256);

        CREATE TABLE asset_tags (
            asset_seq bigint NOT NULL REFERENCES assets (seq) ON DELETE CASCADE,
            user_id bigint NOT NULL,
            tag text COLLATE "C" NOT NULL,
            PRIMARY KEY (asset_seq, tag)
        );
        CREATE INDEX ix_asset_tags_user_tag ON asset_tags (user_id, tag, asset_seq);

        CREATE TABLE asset_metadata (
            asset_seq bigint NOT NULL REFERENCES assets (seq) ON DELETE CASCADE,
            key text NOT NULL,
            value text NOT NULL,
            PRIMARY KEY (asset_seq, key)
        );
        """;
}
