import { readFileSync } from "node:fs";
import path from "node:path";
import { get_dmmf } from "@prisma/prisma-schema-wasm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations } from "../../../src/store/migrate.js";
import { createEmptyDatabase, withClient, type TestDatabase } from "../../support/services.js";
import {
  compareShapes,
  databaseShape,
  expectedShape,
  type DmmfDatamodel,
  type DmmfField,
  type SchemaShape,
} from "./schema-comparator.js";

const root = path.resolve(import.meta.dirname, "../../..");

function schemaDatamodel(): DmmfDatamodel {
  const prismaSchema = readFileSync(path.join(root, "prisma/schema.prisma"), "utf8");
  const dmmf = JSON.parse(get_dmmf(JSON.stringify({ prismaSchema }))) as { datamodel: DmmfDatamodel };
  return dmmf.datamodel;
}

describe("the migrated database", () => {
  let database: TestDatabase;
  let migrated: SchemaShape;

  beforeAll(async () => {
    database = await createEmptyDatabase();
    await applyMigrations({ databaseUrl: database.url, migrationsDir: path.join(root, "prisma/migrations") });
    migrated = await withClient(database.url, (client) => databaseShape(client));
  });

  afterAll(async () => {
    await database.drop();
  });

  it("has exactly the tables, columns and indexes of prisma/schema.prisma", () => {
    const expected = expectedShape(schemaDatamodel());

    expect(compareShapes(expected, migrated)).toEqual([]);
    // Guards against a comparison of two empty shapes.
    expect([...expected.tables.keys()]).toEqual([
      "decisions",
      "approval_requests",
      "approval_votes",
      "audit_anchors",
    ]);
    expect(expected.tables.get("decisions")?.size).toBe(23);
    expect(expected.tables.get("approval_requests")?.size).toBe(24);
    expect(expected.tables.get("approval_votes")?.size).toBe(8);
    expect(expected.tables.get("audit_anchors")?.size).toBe(6);
    expect(expected.indexes).toHaveLength(16);
  });

  describe("comparison with a schema edited without a migration", () => {
    function differencesAfter(edit: (datamodel: DmmfDatamodel) => void): string[] {
      const datamodel = schemaDatamodel();
      edit(datamodel);
      return compareShapes(expectedShape(datamodel), migrated);
    }

    function decisionField(datamodel: DmmfDatamodel, name: string): DmmfField {
      const field = datamodel.models[0]?.fields.find((candidate) => candidate.name === name);
      if (!field) throw new Error(`no field ${name}`);
      return field;
    }

    it("finds a column the database lacks", () => {
      const differences = differencesAfter((datamodel) => {
        datamodel.models[0]?.fields.push({
          name: "approver",
          kind: "scalar",
          type: "String",
          isList: false,
          isRequired: false,
          hasDefaultValue: false,
        });
      });
      expect(differences).toEqual(["column decisions.approver is missing from the database"]);
    });

    it("finds a column the schema no longer has", () => {
      const differences = differencesAfter((datamodel) => {
        const model = datamodel.models[0];
        if (model) model.fields = model.fields.filter((field) => field.name !== "outcome");
      });
      expect(differences).toEqual(["column decisions.outcome is in the database but not in the schema"]);
    });

    it("finds a wrong scalar type", () => {
      const differences = differencesAfter((datamodel) => {
        decisionField(datamodel, "latencyMs").type = "BigInt";
      });
      expect(differences).toEqual([
        "column decisions.latency_ms: type is integer in the database, bigint in the schema",
      ]);
    });

    it("finds a wrong native type precision", () => {
      const differences = differencesAfter((datamodel) => {
        decisionField(datamodel, "createdAt").nativeType = ["Timestamptz", ["6"]];
      });
      expect(differences).toEqual([
        "column decisions.created_at: type is timestamp(3) with time zone in the database, " +
          "timestamp(6) with time zone in the schema",
      ]);
    });

    it("finds a wrong nullability", () => {
      const differences = differencesAfter((datamodel) => {
        decisionField(datamodel, "sessionId").isRequired = true;
      });
      expect(differences).toEqual([
        "column decisions.session_id: nullable is true in the database, false in the schema",
      ]);
    });

    it("finds a missing default", () => {
      const differences = differencesAfter((datamodel) => {
        decisionField(datamodel, "decision").hasDefaultValue = true;
      });
      expect(differences).toEqual([
        "column decisions.decision: hasDefault is false in the database, true in the schema",
      ]);
    });

    it("finds a missing index", () => {
      const differences = differencesAfter((datamodel) => {
        datamodel.indexes.push({ model: "Decision", type: "unique", fields: [{ name: "requestId" }] });
      });
      expect(differences).toEqual(["unique on decisions(request_id) is missing from the database"]);
    });

    it("finds an index whose columns are in another order", () => {
      const differences = differencesAfter((datamodel) => {
        const index = datamodel.indexes.find((candidate) => candidate.fields[0]?.name === "agentId");
        index?.fields.reverse();
      });
      expect(differences).toEqual([
        "index on decisions(created_at, agent_id) is missing from the database",
        "index on decisions(agent_id, created_at) is in the database but not in the schema",
      ]);
    });

    it("finds a table the database lacks", () => {
      const differences = differencesAfter((datamodel) => {
        datamodel.models.push({ name: "Approval", dbName: "approvals", fields: [] });
      });
      expect(differences).toEqual(["table approvals is missing from the database"]);
    });
  });
});
