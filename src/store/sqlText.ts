// Names and strings spliced into SQL text (where DuckDB takes no parameter: identifiers, ATTACH paths,
// COPY targets). Our names are plain, but a stray quote must never become SQL.

/** A double-quoted identifier. */
export const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** A single-quoted string literal. */
export const sqlString = (s: string): string => `'${s.replaceAll("'", "''")}'`;
