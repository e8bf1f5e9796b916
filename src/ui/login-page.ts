import { html, type SafeHtml } from "./html.js";
import { renderDocument } from "./layout.js";

/** The sign-in form. `loginToken` pairs the form with the browser that loaded it. */
export function renderLoginPage(options: { base: string; loginToken: string; error?: string }): SafeHtml {
  return renderDocument(
    options.base,
    "Sign in",
    html`<main class="login">
      <h1>MCP approval gateway</h1>
      <form method="post" action="${options.base}/login" class="card">
        <h2>Operator sign-in</h2>
        ${options.error ? html`<p class="flash flash-error" role="alert">${options.error}</p>` : ""}
        <input type="hidden" name="csrf" value="${options.loginToken}" />
        <label for="token">Admin token</label>
        <input id="token" name="token" type="password" autocomplete="current-password" required autofocus />
        <button type="submit" class="primary">Sign in</button>
        <p class="hint">Use an admin token from the gateway configuration (<code>admins:</code>).</p>
      </form>
    </main>`,
  );
}
