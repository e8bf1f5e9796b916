import { canonicalDecisionContent, chainHash, type ChainedDecisionFields } from "./chain.js";

export type ChainProblemKind = "altered" | "deleted" | "inserted" | "reordered" | "unchained";

/** The first place where the stored decision log differs from the chain as it was written. */
export interface ChainProblem {
  /** Chain position of the first bad record; null for a record outside the chain (unchained). */
  readonly seq: string | null;
  /** That record's id, or null when the record is gone (deleted). */
  readonly id: string | null;
  readonly kind: ChainProblemKind;
  readonly detail: string;
}

/** A chained record as stored. */
export interface StoredChainRecord extends ChainedDecisionFields {
  readonly prevHash: string | null;
  readonly hash: string | null;
}

/** A chained record's position and id, found by its hash or its seq. */
export interface ChainPosition {
  readonly seq: bigint;
  readonly id: string;
}

export interface ChainLookups {
  bySeq(seq: bigint): Promise<ChainPosition | undefined>;
  byHash(hash: string): Promise<ChainPosition | undefined>;
}

/** How far back a renumbered record's original seq is searched for (hashing is cheap). */
const maxRenumberShift = 1_000;

/** Whether the record's stored hash is the hash of its content, at its seq or another. */
export function hashMatches(record: StoredChainRecord, seq: bigint = record.seq): boolean {
  if (record.prevHash === null || record.hash === null) return false;
  return chainHash(record.prevHash, canonicalDecisionContent({ ...record, seq })) === record.hash;
}

/**
 * Explains a record whose predecessor hash is not the hash of the record stored before it
 * (seq numbers consecutive). The stored record whose hash it names tells what happened:
 *
 * - a record stored AFTER it → the two were reordered (seq values swapped or moved): "reordered";
 * - a record stored further BEFORE it → the records in between were inserted later: "inserted",
 *   at the first of them;
 * - none, and the record is consistent with its own content → it was forged with a made-up
 *   predecessor (or its predecessor was rewritten along with its hash): "inserted";
 * - none, and its hash matches its content at a higher seq → its predecessor(s) were deleted
 *   and later records renumbered to close the gap: "deleted";
 * - none of these → its content and links were both changed: "altered".
 */
export async function explainBrokenLink(
  record: StoredChainRecord,
  previous: ChainPosition | undefined,
  lookups: ChainLookups,
): Promise<ChainProblem> {
  const holder = record.prevHash === null ? undefined : await lookups.byHash(record.prevHash);
  const where = `record ${record.seq} (id ${record.id})`;
  if (holder && holder.seq > record.seq) {
    return problem(
      record,
      "reordered",
      `${where} was chained after record ${holder.seq} (id ${holder.id}), which is stored after it: their order was changed`,
    );
  }
  if (holder) {
    const firstInserted = await lookups.bySeq(holder.seq + 1n);
    return {
      seq: String(holder.seq + 1n),
      id: firstInserted?.id ?? null,
      kind: "inserted",
      detail: `${where} was chained directly after record ${holder.seq} (id ${holder.id}): ${range(holder.seq + 1n, record.seq - 1n, "was", "were")} inserted between them later`,
    };
  }
  const after = previous ? `record ${previous.seq} (id ${previous.id})` : "the start of the chain";
  if (hashMatches(record)) {
    return problem(
      record,
      "inserted",
      `${where} is not chained to ${after} nor to any stored record: it was inserted later (or ${after} was rewritten together with its hash)`,
    );
  }
  const shift = findRenumberShift(record);
  if (shift !== undefined) {
    return {
      seq: String(record.seq),
      id: null,
      kind: "deleted",
      detail: `${where} was written as record ${record.seq + shift}: ${shift} record(s) before it were deleted and the later ones renumbered`,
    };
  }
  return problem(
    record,
    "altered",
    `${where} matches neither its own hash nor ${after}: its content and predecessor hash were changed`,
  );
}

/** Records missing between the expected seq and the stored one. */
export function missingRecords(expectedSeq: bigint, found: ChainPosition): ChainProblem {
  return {
    seq: String(expectedSeq),
    id: null,
    kind: "deleted",
    detail: `${range(expectedSeq, found.seq - 1n, "is", "are")} missing: the chain continues at record ${found.seq} (id ${found.id})`,
  };
}

export function alteredRecord(record: StoredChainRecord): ChainProblem {
  return problem(
    record,
    "altered",
    `record ${record.seq} (id ${record.id}) does not match its hash: its content was changed after it was written`,
  );
}

export function problem(record: ChainPosition, kind: ChainProblemKind, detail: string): ChainProblem {
  return { seq: String(record.seq), id: record.id, kind, detail };
}

/** "record 5 is" / "records 5..7 are", with the verb given for one and for several. */
export function range(from: bigint, to: bigint, one: string, several: string): string {
  return from === to ? `record ${from} ${one}` : `records ${from}..${to} ${several}`;
}

function findRenumberShift(record: StoredChainRecord): bigint | undefined {
  for (let shift = 1n; shift <= maxRenumberShift; shift += 1n) {
    if (hashMatches(record, record.seq + shift)) return shift;
  }
  return undefined;
}
