-- Rounds, subjects, findings, scores and administrative areas: the PostGIS mirror of sqlite/0001_core.sql.
-- JSON is kept as jsonb (queryable), the GeoJSON exactly as given, and beside it a geometry(Geometry, 4326)
-- column with a GiST index for spatial queries. Timestamps stay ISO-8601 text so both backends order
-- and round-trip them identically. Keys sort by code point (COLLATE "C"), as in SQLite, whatever the
-- database locale.
CREATE EXTENSION IF NOT EXISTS postgis;

-- GeoJSON -> geometry, or NULL when the GeoJSON is not valid (the store keeps the JSON either way,
-- as SQLite does; a bad shape must not make the whole write fail).
CREATE OR REPLACE FUNCTION a11y_geometry(geojson jsonb) RETURNS geometry(Geometry, 4326)
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
  IF geojson IS NULL THEN
    RETURN NULL;
  END IF;
  RETURN ST_SetSRID(ST_GeomFromGeoJSON(geojson::text), 4326);
EXCEPTION WHEN OTHERS THEN
  RETURN NULL;
END;
$$;

CREATE TABLE rounds (
  id BIGSERIAL PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('web', 'facility')),
  label TEXT,
  started_at TEXT COLLATE "C" NOT NULL,
  finished_at TEXT,
  status TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'complete', 'failed', 'interrupted')),
  meta JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX rounds_kind_started ON rounds (kind, started_at);

CREATE TABLE subjects (
  key TEXT COLLATE "C" PRIMARY KEY,
  kind TEXT NOT NULL,
  category TEXT NOT NULL,
  name TEXT NOT NULL,
  area_code TEXT COLLATE "C",
  url TEXT,
  geometry JSONB,
  geom geometry(Geometry, 4326) GENERATED ALWAYS AS (a11y_geometry(geometry)) STORED,
  lon DOUBLE PRECISION,
  lat DOUBLE PRECISION,
  attributes JSONB NOT NULL DEFAULT '{}'
);
CREATE INDEX subjects_area ON subjects (area_code);
CREATE INDEX subjects_category ON subjects (category);
CREATE INDEX subjects_geom ON subjects USING GIST (geom);

CREATE TABLE findings (
  round_id BIGINT NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
  subject_key TEXT COLLATE "C" NOT NULL REFERENCES subjects (key),
  check_id TEXT COLLATE "C" NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('pass', 'fail', 'review', 'n/a')),
  passed BIGINT,
  failed BIGINT,
  severity TEXT CHECK (severity IS NULL OR severity IN ('critical', 'serious', 'moderate', 'minor')),
  measured JSONB,
  required JSONB,
  note TEXT NOT NULL DEFAULT '',
  evidence JSONB NOT NULL DEFAULT '[]',
  extra JSONB NOT NULL DEFAULT '{}',
  PRIMARY KEY (round_id, subject_key, check_id)
);
CREATE INDEX findings_subject ON findings (subject_key);

-- A subject that could not be audited in a round (timeout, crash, HTTP error): never clean, never scored.
CREATE TABLE subject_errors (
  round_id BIGINT NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
  subject_key TEXT COLLATE "C" NOT NULL,
  message TEXT NOT NULL,
  detail JSONB NOT NULL DEFAULT '{}',
  PRIMARY KEY (round_id, subject_key)
);

CREATE TABLE scores (
  round_id BIGINT NOT NULL REFERENCES rounds (id) ON DELETE CASCADE,
  subject_key TEXT COLLATE "C" NOT NULL REFERENCES subjects (key),
  version TEXT COLLATE "C" NOT NULL,
  score DOUBLE PRECISION,
  grade TEXT,
  compliant BOOLEAN,
  coverage DOUBLE PRECISION NOT NULL,
  counts JSONB NOT NULL,
  failed_checks JSONB NOT NULL,
  blocking_checks JSONB NOT NULL,
  PRIMARY KEY (round_id, subject_key, version)
);

CREATE TABLE areas (
  code TEXT COLLATE "C" PRIMARY KEY,
  name TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('province', 'city', 'county')),
  parent TEXT COLLATE "C",
  geometry JSONB,
  geom geometry(Geometry, 4326) GENERATED ALWAYS AS (a11y_geometry(geometry)) STORED
);
CREATE INDEX areas_parent ON areas (parent);
CREATE INDEX areas_geom ON areas USING GIST (geom);
