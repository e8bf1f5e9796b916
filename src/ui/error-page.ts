import type { Request, Response } from "express";
import { html } from "./html.js";
import { renderDocument } from "./layout.js";

/** A plain error page (not the signed-in shell: the session may be what is wrong). */
export function sendErrorPage(req: Request, res: Response, status: number, message: string): void {
  const base = req.baseUrl;
  res
    .status(status)
    .type("html")
    .send(
      renderDocument(
        base,
        `Error ${status}`,
        html`<main>
          <div class="error-page">
            <h1>${status === 404 ? "Not found" : status === 403 ? "Forbidden" : "Something went wrong"}</h1>
            <p>${message}</p>
            <p><a href="${base}/">Back to approvals</a></p>
          </div>
        </main>`,
      ).value,
    );
}
