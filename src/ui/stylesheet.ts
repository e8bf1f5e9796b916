/** The page's stylesheet, served same-origin as `/app.css` (system fonts only: works air-gapped). */
export const stylesheet = `
:root {
  --ink: #1d2330; --muted: #5d6677; --line: #dfe3ea; --paper: #ffffff; --wash: #f4f6f9;
  --accent: #2957c7; --ok: #1e7d45; --bad: #b42318; --warn: #a15c00;
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 15px; color: var(--ink); background: var(--wash);
}
* { box-sizing: border-box; }
body { margin: 0; }
a { color: var(--accent); }
code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 13px; }
.top { display: flex; align-items: center; gap: 24px; padding: 10px 24px; background: var(--ink); color: #fff; }
.top .brand { font-weight: 600; letter-spacing: .2px; }
.top nav { display: flex; gap: 16px; flex: 1; }
.top nav a { color: #c9d3e6; text-decoration: none; padding: 4px 2px; border-bottom: 2px solid transparent; }
.top nav a[aria-current="page"] { color: #fff; border-bottom-color: #8fb0ff; }
.signout { display: flex; align-items: center; gap: 12px; margin: 0; color: #c9d3e6; }
.signout strong { color: #fff; }
button.link { background: none; border: none; color: #c9d3e6; text-decoration: underline; cursor: pointer; font: inherit; padding: 0; }
main { padding: 20px 24px 48px; max-width: 1400px; margin: 0 auto; }
h1 { font-size: 22px; margin: 0 0 12px; }
h2 { font-size: 17px; margin: 24px 0 10px; }
.heading { display: flex; align-items: baseline; justify-content: space-between; gap: 16px; }
.count { display: inline-block; min-width: 26px; padding: 1px 8px; border-radius: 12px; background: var(--accent); color: #fff; font-size: 14px; text-align: center; vertical-align: middle; }
.live { color: var(--muted); font-size: 13px; margin: 0; }
.live.stale { color: var(--bad); }
.empty { padding: 28px; text-align: center; color: var(--muted); background: var(--paper); border: 1px dashed var(--line); border-radius: 8px; }
.flash { padding: 10px 14px; border-radius: 6px; margin: 0 0 16px; border: 1px solid; }
.flash-ok { background: #e8f5ee; border-color: #a8d5b9; color: #14532d; }
.flash-error { background: #fdecea; border-color: #f3b4ae; color: #7a1a12; }
table.data { width: 100%; border-collapse: collapse; background: var(--paper); border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
table.data th { text-align: left; font-size: 12px; text-transform: uppercase; letter-spacing: .4px; color: var(--muted); background: #fafbfc; }
table.data th, table.data td { padding: 8px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
table.data tbody tr:hover { background: #f8faff; }
table.data code, table.data time { white-space: nowrap; }
pre.args { margin: 0; max-width: 420px; max-height: 160px; overflow: auto; white-space: pre-wrap; word-break: break-word; background: var(--wash); padding: 6px 8px; border-radius: 4px; }
.voters { margin: 4px 0 0; padding-left: 16px; color: var(--muted); font-size: 13px; }
.decide { min-width: 250px; }
.decide form { display: flex; gap: 6px; margin: 0 0 6px; }
.decide input { flex: 1; min-width: 0; }
input, select { font: inherit; padding: 5px 8px; border: 1px solid #c3c9d4; border-radius: 5px; background: #fff; }
button { font: inherit; padding: 5px 12px; border-radius: 5px; border: 1px solid #c3c9d4; background: #fff; cursor: pointer; }
button.primary, button.approve { background: var(--ok); border-color: var(--ok); color: #fff; }
button.primary { background: var(--accent); border-color: var(--accent); }
button.deny { background: #fff; border-color: var(--bad); color: var(--bad); }
.badge { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; background: #e6e9ef; color: var(--ink); white-space: nowrap; }
.badge-allow, .badge-approved, .badge-ok { background: #dcf2e4; color: #14532d; }
.badge-deny, .badge-denied, .badge-error { background: #fbe0dd; color: #7a1a12; }
.badge-rate_limited, .badge-expired { background: #fdebd0; color: #7a4100; }
.badge-require_approval, .badge-pending { background: #e1e9fd; color: #1d3f91; }
.badge-unavailable, .badge-cancelled { background: #e6e9ef; color: #3d4452; }
.filters { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: 10px 14px; align-items: end; background: var(--paper); padding: 14px; border: 1px solid var(--line); border-radius: 8px; margin-bottom: 16px; }
.filters label { display: flex; flex-direction: column; gap: 4px; font-size: 12px; color: var(--muted); }
.filters .actions { display: flex; gap: 8px; align-items: center; }
.pager { display: flex; justify-content: flex-end; gap: 12px; margin-top: 12px; }
.chart { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; margin-bottom: 16px; }
figure.chart { margin: 0 0 16px; }
.chart svg { width: 100%; height: auto; display: block; }
dl.fields { display: grid; grid-template-columns: max-content 1fr; gap: 6px 18px; background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 14px; margin: 0; }
dl.fields dt { color: var(--muted); }
dl.fields dd { margin: 0; word-break: break-word; }
ol.timeline { list-style: none; margin: 0; padding: 0 0 0 18px; border-left: 2px solid var(--line); }
ol.timeline li { position: relative; padding: 4px 0 12px 12px; }
ol.timeline li::before { content: ""; position: absolute; left: -25px; top: 9px; width: 10px; height: 10px; border-radius: 50%; background: var(--accent); border: 2px solid var(--wash); }
ol.timeline .kind { font-weight: 600; }
ol.timeline .at { color: var(--muted); font-size: 13px; margin-left: 8px; }
.login { max-width: 420px; margin: 10vh auto; }
.card { display: flex; flex-direction: column; gap: 10px; background: var(--paper); border: 1px solid var(--line); border-radius: 10px; padding: 22px; }
.card h2 { margin: 0 0 4px; }
.hint { color: var(--muted); font-size: 13px; margin: 0; }
.error-page { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 20px; }
`;
