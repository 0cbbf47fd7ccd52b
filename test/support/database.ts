// Test helper: a fresh lab database (PGlite, or a fresh database on DATABASE_URL's server).
export { startDatabase, type LabDatabase } from '../../local/database';
