#!/usr/bin/env bash
# `npm run demo`: the gateway in front of the example upstream, with the example policy.
# Uses REDIS_URL and DATABASE_URL when set; otherwise starts a private Redis and PostgreSQL
# from the machine's packages (installing them from apt when missing and permitted).
#   --once   run the demo agent's calls, print them, and stop (no interactive session)
set -euo pipefail
cd "$(dirname "$0")/.."
once=false
[ "${1:-}" = "--once" ] && once=true
state=.demo
mkdir -p "$state"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -n "${started_services:-}" ] && bash scripts/local-services.sh stop "$PWD/$state/services" || true
}
trap cleanup EXIT

if [ -z "${REDIS_URL:-}" ] || [ -z "${DATABASE_URL:-}" ]; then
  bash scripts/local-services.sh install
  eval "$(bash scripts/local-services.sh start "$PWD/$state/services" | sed 's/^/export /')"
  started_services=1
fi
[ -f dist/src/cli/bin.js ] || npm run --silent build

export PORT="${PORT:-8080}" DEMO_AGENT_TOKEN="${DEMO_AGENT_TOKEN:-demo-agent-token-change-me}"
node dist/src/cli/bin.js migrate >/dev/null
node dist/src/cli/bin.js start --config examples/gateway.demo.yaml &
pids+=($!)
for _ in $(seq 1 100); do
  node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' \
    "http://127.0.0.1:$PORT/readyz" && break
  sleep 0.2
done

cat <<INFO

mcp-approval-gateway is running on http://127.0.0.1:$PORT
  MCP endpoint (Streamable HTTP): http://127.0.0.1:$PORT/mcp/sagemaker
  Header:                         Authorization: Bearer $DEMO_AGENT_TOKEN

The demo agent's calls, as the gateway decided them:
INFO
node examples/client/demo-client.js --url "http://127.0.0.1:$PORT/mcp/sagemaker" --token "$DEMO_AGENT_TOKEN"

$once && exit 0
cat <<INFO

Connect your own MCP client, e.g. in Claude Desktop or Cursor (mcp.json):
  { "mcpServers": { "sagemaker-gated": {
      "url": "http://127.0.0.1:$PORT/mcp/sagemaker",
      "headers": { "Authorization": "Bearer $DEMO_AGENT_TOKEN" } } } }
Try a policy decision without a client:
  node dist/src/cli/bin.js policy test --config examples/gateway.demo.yaml --upstream sagemaker --tool delete_endpoint
Press Ctrl-C to stop.
INFO
wait
