import { parquetWriteBuffer } from "hyparquet-writer";

/** Column types, as they land in pandas / R: double → float64 / numeric, int → Int32 / integer, string, boolean. */
export type ColumnType = "double" | "int" | "string" | "boolean";
export type Cell = number | string | boolean | null;

/** One column of an export: its name, type, unit and meaning (the column dictionary of docs/exports.md). */
export interface ColumnDef {
  name: string;
  type: ColumnType;
  /** e.g. "s", "fraction", "travellers", "travellers/h", "" when unitless. */
  unit: string;
  description: string;
}

/** A rectangular table: column definitions and rows (each row one cell per column; null = missing). */
export interface Table {
  columns: ColumnDef[];
  rows: Cell[][];
}

/** Every column's cells, in row order. */
function columnCells(table: Table, j: number): Cell[] {
  return table.rows.map((r) => r[j] ?? null);
}

/** A CSV field: RFC 4180 quoting (quote when the field has a comma, quote, CR or LF; double inner quotes). */
export function csvField(cell: Cell): string {
  if (cell === null) return "";
  let text: string;
  if (typeof cell === "number") text = Number.isFinite(cell) ? String(cell) : "";
  else if (typeof cell === "boolean") text = cell ? "true" : "false";
  else text = cell;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The table as CSV: a header row of column names, then one line per row; LF line endings, a final
 * newline, fields quoted per RFC 4180. Numbers are printed with JavaScript's shortest round-trip form
 * (parsing gives back the same double), missing values as empty fields, booleans as true/false.
 */
export function toCsv(table: Table): string {
  const lines = [table.columns.map((c) => csvField(c.name)).join(",")];
  for (const row of table.rows) lines.push(table.columns.map((_, j) => csvField(row[j] ?? null)).join(","));
  return `${lines.join("\n")}\n`;
}

const PARQUET_TYPE = { double: "DOUBLE", int: "INT32", string: "STRING", boolean: "BOOLEAN" } as const;

/**
 * The table as a Parquet file (one row group, Snappy pages, every column nullable; DOUBLE, INT32, UTF8
 * string, BOOLEAN). Deterministic: the same table gives the same bytes. `metadata` lands in the file's
 * key-value metadata (e.g. the scenario digest and experiment id).
 */
export function toParquet(table: Table, metadata: Record<string, string> = {}, createdBy = "hetao-sim"): Uint8Array {
  const columnData = table.columns.map((c, j) => {
    const cells = columnCells(table, j);
    if (c.type === "int") {
      for (const v of cells) {
        if (v !== null && !(typeof v === "number" && Number.isInteger(v) && Math.abs(v) <= 0x7fffffff)) {
          throw new TypeError(`column ${c.name}: ${String(v)} is not a 32-bit integer`);
        }
      }
    }
    return { name: c.name, data: cells, type: PARQUET_TYPE[c.type], nullable: true };
  });
  const buffer = parquetWriteBuffer({
    columnData,
    rowGroupSize: Math.max(1, table.rows.length),
    kvMetadata: Object.keys(metadata)
      .sort()
      .map((key) => ({ key, value: metadata[key]! })),
    createdBy,
  });
  return new Uint8Array(buffer);
}
