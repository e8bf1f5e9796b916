import { html, type HtmlValue, type SafeHtml } from "./html.js";

export interface Flash {
  readonly kind: "ok" | "error";
  readonly text: string;
}

/** What every signed-in page knows about its request. */
export interface PageContext {
  /** Where the page is mounted, e.g. `/ui`. */
  readonly base: string;
  readonly adminId: string;
  readonly csrfToken: string;
  readonly flash: Flash | undefined;
}

export type Section = "queue" | "history";

/** The page shell of a signed-in operator: navigation, sign-out, flash message. */
export function renderPage(
  context: PageContext,
  page: { title: string; section: Section | undefined; body: HtmlValue },
): SafeHtml {
  const link = (section: Section, href: string, label: string) =>
    html`<a href="${href}" ${page.section === section ? html` aria-current="page"` : ""}>${label}</a>`;
  return renderDocument(
    context.base,
    page.title,
    html`<header class="top">
        <span class="brand">MCP approval gateway</span>
        <nav aria-label="Sections">
          ${link("queue", `${context.base}/`, "Approvals")}
          ${link("history", `${context.base}/history`, "History")}
        </nav>
        <form class="signout" method="post" action="${context.base}/logout">
          ${csrfField(context.csrfToken)}
          <span class="who">Signed in as <strong>${context.adminId}</strong></span>
          <button type="submit" class="link">Sign out</button>
        </form>
      </header>
      <main>${renderFlash(context.flash)}${page.body}</main>`,
  );
}

/** A complete HTML document with the page's own stylesheet and script. */
export function renderDocument(base: string, title: string, body: HtmlValue): SafeHtml {
  return html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>${title} · MCP approval gateway</title>
        <link rel="stylesheet" href="${base}/app.css" />
        <script src="${base}/app.js" defer></script>
      </head>
      <body>
        ${body}
      </body>
    </html> `;
}

export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="csrf" value="${token}" />`;
}

function renderFlash(flash: Flash | undefined): SafeHtml {
  if (!flash) return html``;
  return html`<p class="flash flash-${flash.kind}" role="${flash.kind === "error" ? "alert" : "status"}">
    ${flash.text}
  </p>`;
}
