import { z } from "zod";

/**
 * The dataset metadata document: the file whose keccak256 a version registers as `metadataHash`. It names the fields
 * behind the bits of the dataset's `fieldMask` (and so of every grant's `scope`), and says what each bit releases:
 *
 * - a **table** (`content.kind = "table"`, CSV with a header row or a JSON array of flat objects): a field is either a
 *   set of **columns** or a **row set** (`rows: { column, in: [values] }`). Served columns are the columns of the granted
 *   column fields; when the document defines row sets, served rows are the rows of the granted row sets (their union),
 *   and a grant that names no row set gets no rows. That rule keeps a narrower scope a narrower view: dropping a bit
 *   never widens what is served, so the contract's subset checks (a grant within its request, a delegation within its
 *   parent) hold for rows as they do for columns. A column no field lists is never served.
 * - **files** (`content.kind = "files"`): a field is a set of files (by name, as the gateway manifest names them); a
 *   file is served when one of the granted fields lists it.
 *
 * Row filters need no new on-chain field: the filter's definition is in this document, which the chain anchors by
 * `metadataHash`, and the grant selects it by its bit in `scope`, which the chain records and checks.
 */
export const METADATA_FORMAT = "consortia/dataset-metadata@1";

const bit = z.number().int().min(0).max(63);
const name = z.string().min(1).max(200);

const ColumnFieldSchema = z.strictObject({ bit, name, columns: z.array(z.string().min(1)).min(1) });
const RowFieldSchema = z.strictObject({
  bit,
  name,
  rows: z.strictObject({ column: z.string().min(1), in: z.array(z.string()).min(1) }),
});
const FileFieldSchema = z.strictObject({ bit, name, files: z.array(z.string().min(1)).min(1) });

const TableMetadataSchema = z.strictObject({
  format: z.literal(METADATA_FORMAT),
  title: z.string().optional(),
  content: z.strictObject({ kind: z.literal("table"), format: z.enum(["csv", "json"]) }),
  fields: z.array(z.union([ColumnFieldSchema, RowFieldSchema])).min(1),
});
const FilesMetadataSchema = z.strictObject({
  format: z.literal(METADATA_FORMAT),
  title: z.string().optional(),
  content: z.strictObject({ kind: z.literal("files") }),
  fields: z.array(FileFieldSchema).min(1),
});

export type TableMetadata = z.infer<typeof TableMetadataSchema>;
export type FilesMetadata = z.infer<typeof FilesMetadataSchema>;
export type DatasetMetadata = TableMetadata | FilesMetadata;

/** A metadata document that cannot be used: malformed, or inconsistent with itself or the dataset's field mask. */
export class MetadataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MetadataError";
  }
}

/** Parses and checks a metadata document (bytes as registered); `fieldMask` is the dataset's, read on chain. */
export function parseMetadata(bytes: Uint8Array, fieldMask: bigint): DatasetMetadata {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch (error) {
    throw new MetadataError(`not UTF-8 JSON: ${(error as Error).message}`);
  }
  const kind = (json as { content?: { kind?: unknown } } | null)?.content?.kind;
  const parsed = (kind === "files" ? FilesMetadataSchema : TableMetadataSchema).safeParse(json);
  if (!parsed.success) {
    throw new MetadataError(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  }
  const metadata = parsed.data;
  let mask = 0n;
  for (const field of metadata.fields) {
    const b = 1n << BigInt(field.bit);
    if ((mask & b) !== 0n) throw new MetadataError(`bit ${field.bit} is defined twice`);
    mask |= b;
  }
  if (mask !== fieldMask) {
    throw new MetadataError(
      `its fields (bits 0x${mask.toString(16)}) are not the dataset's field mask 0x${fieldMask.toString(16)}`,
    );
  }
  return metadata;
}

/** Whether `scope` grants the field with this bit. */
export function grants(scope: bigint, fieldBit: number): boolean {
  return ((scope >> BigInt(fieldBit)) & 1n) === 1n;
}
