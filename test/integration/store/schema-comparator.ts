import type pg from "pg";

/** The parts of Prisma's DMMF (`get_dmmf(...).datamodel`) that decide the database's shape. */
export interface DmmfDatamodel {
  models: DmmfModel[];
  enums: { name: string; dbName?: string | null }[];
  indexes: DmmfIndex[];
}

export interface DmmfModel {
  name: string;
  dbName: string | null;
  fields: DmmfField[];
}

export interface DmmfField {
  name: string;
  dbName?: string | null;
  kind: "scalar" | "object" | "enum" | "unsupported";
  type: string;
  nativeType?: [string, string[]] | null;
  isList: boolean;
  isRequired: boolean;
  hasDefaultValue: boolean;
  default?: unknown;
}

export interface DmmfIndex {
  model: string;
  type: "id" | "unique" | "normal" | "fulltext";
  fields: { name: string }[];
}

export interface ColumnShape {
  type: string;
  nullable: boolean;
  hasDefault: boolean;
}

export interface IndexShape {
  table: string;
  kind: "primary" | "unique" | "index";
  columns: string[];
}

/** A database's tables, columns and indexes, in one schema, as plain comparable data. */
export interface SchemaShape {
  /** table → column → shape */
  tables: Map<string, Map<string, ColumnShape>>;
  indexes: IndexShape[];
}

// `format_type()` spellings of Prisma's scalar types without a native type attribute.
const defaultTypes: Record<string, string> = {
  String: "text",
  Boolean: "boolean",
  Int: "integer",
  BigInt: "bigint",
  Float: "double precision",
  Decimal: "numeric(65,30)",
  DateTime: "timestamp(3) without time zone",
  Json: "jsonb",
  Bytes: "bytea",
};

// Native types (`@db.X(args)`) whose `format_type()` spelling is not just the lower-cased name.
const nativeTypeNames: Record<string, (args: string) => string> = {
  VarChar: (args) => `character varying${args}`,
  Char: (args) => `character${args}`,
  Timestamp: (args) => `timestamp${args} without time zone`,
  Timestamptz: (args) => `timestamp${args} with time zone`,
  Time: (args) => `time${args} without time zone`,
  Timetz: (args) => `time${args} with time zone`,
  Decimal: (args) => `numeric${args}`,
  DoublePrecision: () => "double precision",
  VarBit: (args) => `bit varying${args}`,
  JsonB: () => "jsonb",
};

// Defaults Prisma Client fills in itself: the column has no database default.
const clientSideDefaults = new Set(["uuid", "cuid", "nanoid", "ulid"]);

function tableName(model: DmmfModel): string {
  return model.dbName ?? model.name;
}

function columnName(field: DmmfField): string {
  return field.dbName ?? field.name;
}

function expectedType(field: DmmfField, datamodel: DmmfDatamodel): string {
  const base = field.kind === "enum" ? enumTypeName(field.type, datamodel) : scalarType(field);
  return field.isList ? `${base}[]` : base;
}

function scalarType(field: DmmfField): string {
  if (!field.nativeType) return defaultTypes[field.type] ?? `unknown Prisma type ${field.type}`;
  const [name, argList] = field.nativeType;
  const args = argList.length > 0 ? `(${argList.join(",")})` : "";
  return nativeTypeNames[name]?.(args) ?? `${name.toLowerCase()}${args}`;
}

function enumTypeName(name: string, datamodel: DmmfDatamodel): string {
  const found = datamodel.enums.find((candidate) => candidate.name === name);
  return found?.dbName ?? name;
}

function hasDatabaseDefault(field: DmmfField): boolean {
  if (!field.hasDefaultValue) return false;
  const fn = typeof field.default === "object" && field.default !== null ? field.default : undefined;
  return !(fn && "name" in fn && typeof fn.name === "string" && clientSideDefaults.has(fn.name));
}

/** The shape `prisma migrate` gives a database for this datamodel. */
export function expectedShape(datamodel: DmmfDatamodel): SchemaShape {
  const tables = new Map<string, Map<string, ColumnShape>>();
  for (const model of datamodel.models) {
    const columns = new Map<string, ColumnShape>();
    for (const field of model.fields.filter((f) => f.kind !== "object")) {
      columns.set(columnName(field), {
        type: expectedType(field, datamodel),
        // Prisma creates scalar list columns without NOT NULL (it cannot express one).
        nullable: !field.isRequired || field.isList,
        hasDefault: hasDatabaseDefault(field),
      });
    }
    tables.set(tableName(model), columns);
  }
  return { tables, indexes: datamodel.indexes.flatMap((index) => expectedIndex(index, datamodel)) };
}

function expectedIndex(index: DmmfIndex, datamodel: DmmfDatamodel): IndexShape[] {
  const model = datamodel.models.find((candidate) => candidate.name === index.model);
  if (!model || index.type === "fulltext") return [];
  const columns = index.fields.map(({ name }) => {
    const field = model.fields.find((candidate) => candidate.name === name);
    return field ? columnName(field) : `unknown field ${name}`;
  });
  const kind = index.type === "id" ? "primary" : index.type === "unique" ? "unique" : "index";
  return [{ table: tableName(model), kind, columns }];
}

/** The shape of a live database's schema, leaving out Prisma Migrate's own history table. */
export async function databaseShape(client: pg.Client, schema = "public"): Promise<SchemaShape> {
  const columns = await client.query<{
    table: string;
    column: string;
    type: string;
    nullable: boolean;
    hasDefault: boolean;
  }>(
    `SELECT c.table_name AS "table", c.column_name AS "column",
            format_type(a.atttypid, a.atttypmod) AS "type",
            c.is_nullable = 'YES' AS "nullable", c.column_default IS NOT NULL AS "hasDefault"
       FROM information_schema.columns c
       JOIN pg_attribute a ON a.attrelid = format('%I.%I', c.table_schema, c.table_name)::regclass
                          AND a.attname = c.column_name
      WHERE c.table_schema = $1 AND c.table_name <> '_prisma_migrations'
      ORDER BY c.table_name, c.ordinal_position`,
    [schema],
  );
  const tables = new Map<string, Map<string, ColumnShape>>();
  const tableRows = await client.query<{ table: string }>(
    `SELECT table_name AS "table" FROM information_schema.tables
      WHERE table_schema = $1 AND table_name <> '_prisma_migrations'`,
    [schema],
  );
  for (const { table } of tableRows.rows) tables.set(table, new Map());
  for (const { table, column, ...shape } of columns.rows) tables.get(table)?.set(column, shape);
  return { tables, indexes: await databaseIndexes(client, schema) };
}

async function databaseIndexes(client: pg.Client, schema: string): Promise<IndexShape[]> {
  const { rows } = await client.query<{
    table: string;
    primary: boolean;
    unique: boolean;
    columns: string[];
  }>(
    `SELECT t.relname AS "table", i.indisprimary AS "primary", i.indisunique AS "unique",
            array_agg(coalesce(a.attname::text, '<expression>') ORDER BY k.position) AS "columns"
       FROM pg_index i
       JOIN pg_class t ON t.oid = i.indrelid
       JOIN pg_class ix ON ix.oid = i.indexrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace AND n.nspname = $1
       CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, position)
       LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum
      WHERE t.relname <> '_prisma_migrations'
      GROUP BY t.relname, ix.relname, i.indisprimary, i.indisunique`,
    [schema],
  );
  return rows.map((row) => ({
    table: row.table,
    kind: row.primary ? "primary" : row.unique ? "unique" : "index",
    columns: row.columns,
  }));
}

/** Every difference between the schema's shape and the database's, as readable sentences. */
export function compareShapes(expected: SchemaShape, actual: SchemaShape): string[] {
  const differences: string[] = [];
  for (const [table, columns] of expected.tables) {
    const actualColumns = actual.tables.get(table);
    if (!actualColumns) {
      differences.push(`table ${table} is missing from the database`);
      continue;
    }
    differences.push(...compareColumns(table, columns, actualColumns));
  }
  for (const table of actual.tables.keys()) {
    if (!expected.tables.has(table))
      differences.push(`table ${table} is in the database but not in the schema`);
  }
  differences.push(...compareIndexes(expected.indexes, actual.indexes));
  return differences;
}

function compareColumns(
  table: string,
  expected: Map<string, ColumnShape>,
  actual: Map<string, ColumnShape>,
): string[] {
  const differences: string[] = [];
  for (const [column, want] of expected) {
    const have = actual.get(column);
    if (!have) {
      differences.push(`column ${table}.${column} is missing from the database`);
      continue;
    }
    for (const key of ["type", "nullable", "hasDefault"] as const) {
      if (want[key] !== have[key]) {
        differences.push(
          `column ${table}.${column}: ${key} is ${have[key]} in the database, ${want[key]} in the schema`,
        );
      }
    }
  }
  for (const column of actual.keys()) {
    if (!expected.has(column))
      differences.push(`column ${table}.${column} is in the database but not in the schema`);
  }
  return differences;
}

function indexKey(index: IndexShape): string {
  return `${index.kind} on ${index.table}(${index.columns.join(", ")})`;
}

function compareIndexes(expected: readonly IndexShape[], actual: readonly IndexShape[]): string[] {
  const missing = withoutEach(expected.map(indexKey), actual.map(indexKey));
  const extra = withoutEach(actual.map(indexKey), expected.map(indexKey));
  return [
    ...missing.map((key) => `${key} is missing from the database`),
    ...extra.map((key) => `${key} is in the database but not in the schema`),
  ];
}

/** `items` minus `removed`, one occurrence per removed item, so duplicates count. */
function withoutEach(items: readonly string[], removed: readonly string[]): string[] {
  const left = [...items];
  for (const item of removed) {
    const at = left.indexOf(item);
    if (at >= 0) left.splice(at, 1);
  }
  return left.sort();
}
