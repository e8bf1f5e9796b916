import {
  alteredRecord,
  explainBrokenLink,
  hashMatches,
  missingRecords,
  problem,
  range,
  type ChainLookups,
  type ChainPosition,
  type ChainProblem,
  type StoredChainRecord,
} from "./chain-problems.js";

/** Where the retained chain begins: genesis (seq 1) or a retention anchor. */
export interface ChainStart {
  readonly seq: bigint;
  readonly prevHash: string;
  /** "genesis" or "the anchor at seq N", for messages. */
  readonly label: string;
  /** An anchor promises its record is retained (retention always keeps the newest record). */
  readonly mustExist: boolean;
}

export interface ExpectedHead {
  readonly seq: bigint;
  readonly hash: string;
}

/**
 * Checks chained records fed to it in seq order, remembering only the last one, so the whole
 * table can stream through in constant memory. Stops being fed at the first problem.
 */
export class ChainWalk {
  #expectedSeq: bigint;
  #expectedPrevHash: string;
  #previous: (ChainPosition & { readonly hash: string }) | undefined;
  #firstCreatedAt: Date | undefined;
  #checked = 0;

  constructor(
    private readonly start: ChainStart,
    private readonly lookups: ChainLookups,
    private readonly expectedHead?: ExpectedHead,
  ) {
    this.#expectedSeq = start.seq;
    this.#expectedPrevHash = start.prevHash;
  }

  /** Records that passed every check. */
  get checked(): number {
    return this.#checked;
  }

  /** The newest record that passed, if any. */
  get head(): { readonly seq: bigint; readonly hash: string } | undefined {
    return this.#previous;
  }

  /** createdAt of the first record of the retained chain: later rows must all be chained. */
  get firstCreatedAt(): Date | undefined {
    return this.#firstCreatedAt;
  }

  /** The first problem among these records (the next in seq order), or undefined. */
  async check(records: readonly StoredChainRecord[]): Promise<ChainProblem | undefined> {
    for (const record of records) {
      const found = await this.#checkOne(record);
      if (found) return found;
      this.#advance(record);
    }
    return undefined;
  }

  /** Problems only visible once every record was seen: a missing end. */
  finish(): ChainProblem | undefined {
    const lastSeq = this.#previous?.seq ?? this.start.seq - 1n;
    if (this.expectedHead && lastSeq < this.expectedHead.seq) {
      return {
        seq: String(lastSeq + 1n),
        id: null,
        kind: "deleted",
        detail: `${range(lastSeq + 1n, this.expectedHead.seq, "is", "are")} missing from the end of the chain (the expected head is record ${this.expectedHead.seq})`,
      };
    }
    if (this.start.mustExist && this.#previous === undefined) {
      return {
        seq: String(this.start.seq),
        id: null,
        kind: "deleted",
        detail: `no record from ${this.start.label} on is stored: the retained records were deleted`,
      };
    }
    return undefined;
  }

  async #checkOne(record: StoredChainRecord): Promise<ChainProblem | undefined> {
    if (record.seq < this.#expectedSeq) {
      return problem(
        record,
        "inserted",
        `record ${record.seq} (id ${record.id}) lies before ${this.start.label}, where the chain starts: it was inserted later`,
      );
    }
    if (record.seq > this.#expectedSeq) return missingRecords(this.#expectedSeq, record);
    if (record.prevHash !== this.#expectedPrevHash) {
      return explainBrokenLink(record, this.#previous, this.lookups);
    }
    if (!hashMatches(record)) return alteredRecord(record);
    if (this.expectedHead?.seq === record.seq && this.expectedHead.hash !== record.hash) {
      return problem(
        record,
        "altered",
        `record ${record.seq} (id ${record.id}) does not have the expected head hash ${this.expectedHead.hash}: the chain was rewritten up to here`,
      );
    }
    return undefined;
  }

  #advance(record: StoredChainRecord): void {
    this.#firstCreatedAt ??= record.createdAt;
    // hashMatches passed, so the hash is present.
    const hash = record.hash ?? "";
    this.#previous = { seq: record.seq, id: record.id, hash };
    this.#expectedSeq = record.seq + 1n;
    this.#expectedPrevHash = hash;
    this.#checked += 1;
  }
}
