import { GROUP_TITLES, CHECK_GROUPS, type CheckResult } from '../../../shared/commissioning/check-model';
import type { Evidence } from '../../../shared/commissioning/evidence-model';

/**
 * `evidence.html`: the evidence as a self-contained, printable page: no script, no network (a CSP that forbids both),
 * inline styles and an inline SVG rates chart. Every value is escaped; the JSON's SHA-256 is printed so the paper
 * copy can be matched to the signed file.
 */

const esc = (value: unknown): string =>
  String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');

const STATUS_WORD: Record<CheckResult['status'], string> = { ok: 'OK', warning: 'Warning', error: 'Error', skipped: 'Skipped' };

function ratesChart(rates: Evidence['telemetry']['rates']): string {
  if (rates.length < 2) return '<p class="muted">No routed messages were measured.</p>';
  const w = 640;
  const h = 140;
  const max = Math.max(1, ...rates.map((r) => r.total));
  const step = w / (rates.length - 1);
  const points = rates.map((r, i) => `${(i * step).toFixed(1)},${(h - (r.total / max) * (h - 10)).toFixed(1)}`).join(' ');
  const first = rates[0]?.at ?? '';
  const last = rates.at(-1)?.at ?? '';
  return `<figure><svg viewBox="0 0 ${w} ${h + 20}" width="100%" role="img" aria-label="Routed messages per second">
<line x1="0" y1="${h}" x2="${w}" y2="${h}" stroke="#999"/><polyline fill="none" stroke="#0f6cbd" stroke-width="2" points="${points}"/>
<text x="0" y="${h + 16}" font-size="11">${esc(first)}</text><text x="${w}" y="${h + 16}" font-size="11" text-anchor="end">${esc(last)}</text>
<text x="4" y="12" font-size="11">${max} msg/s</text></svg><figcaption>Routed messages per second (peak ${max})</figcaption></figure>`;
}

export function evidenceHtml(evidence: Evidence, jsonSha256: string): string {
  const checks = evidence.checks;
  const rows = (list: readonly CheckResult[]) =>
    list
      .map((c) => `<tr class="${c.status}"><td>${STATUS_WORD[c.status]}</td><td>${esc(c.title)}</td><td>${esc(c.detail)}${c.fix && c.status !== 'ok' ? `<div class="fix">Fix: ${esc(c.fix)}</div>` : ''}</td></tr>`)
      .join('\n');
  const checkSection = checks
    ? `<p><strong>${checks.ok ? 'Ready' : 'Not ready'}</strong>: ${checks.counts.ok} ok, ${checks.counts.warning} warnings, ${checks.counts.error} errors, ${checks.counts.skipped} skipped (run ${esc(checks.finishedAt)}).</p>
${CHECK_GROUPS.map((g) => {
  const list = checks.checks.filter((c) => c.group === g);
  return list.length ? `<h3>${esc(GROUP_TITLES[g])}</h3><table><thead><tr><th>Status</th><th>Check</th><th>Detail</th></tr></thead><tbody>${rows(list)}</tbody></table>` : '';
}).join('\n')}`
    : '<p class="muted">No checks were run.</p>';
  const hub = evidence.device.hub;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Commissioning evidence: ${esc(evidence.device.deviceId)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1b1b;max-width:960px;margin:24px auto;padding:0 16px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:14px;margin:16px 0 6px}
table{border-collapse:collapse;width:100%;margin:6px 0}th,td{border:1px solid #ddd;padding:4px 6px;text-align:left;vertical-align:top;overflow-wrap:anywhere}th{background:#f4f4f4}
tr.error td:first-child{color:#b10e1c;font-weight:600}tr.warning td:first-child{color:#8a5700;font-weight:600}tr.ok td:first-child{color:#0e700e}tr.skipped td:first-child{color:#666}
.fix{color:#444;margin-top:2px}.muted{color:#666}pre{background:#f7f7f7;border:1px solid #e3e3e3;padding:8px;overflow-x:auto;font-size:12px;white-space:pre-wrap;word-break:break-all}
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px}dt{color:#555}dd{margin:0}
@media print{body{margin:0;max-width:none}h2{break-after:avoid}table,pre,figure{break-inside:avoid}}
</style></head><body>
<h1>Commissioning evidence</h1>
<p class="muted">Device ${esc(evidence.device.deviceId)}${hub ? ` on ${esc(hub.hostName)} (${esc(hub.kind)} hub)` : ''}. Generated ${esc(evidence.generatedAt)} by ${esc(evidence.generatedBy.user)} on ${esc(evidence.generatedBy.host)} with Gatehouse ${esc(evidence.gatehouse.version)}.</p>
<dl><dt>evidence.json SHA-256</dt><dd><code>${esc(jsonSha256)}</code> (signed in evidence.json.sig; check with <code>gatehouse evidence verify &lt;folder&gt;</code>)</dd>
<dt>Manifest SHA-256</dt><dd><code>${esc(evidence.manifest?.sha256 ?? 'none applied')}</code>${evidence.manifest ? ` (version ${evidence.manifest.version}${evidence.manifest.appliedAt ? `, applied ${esc(evidence.manifest.appliedAt)}` : ''})` : ''}</dd>
<dt>Secrets</dt><dd>${esc(evidence.redaction.note)}</dd></dl>
<h2>Checks</h2>
${checkSection}
<h2>Modules</h2>
${evidence.modules.length ? `<table><thead><tr><th>Module</th><th>Image</th><th>Image id / digests</th><th>Desired</th><th>Runtime</th><th>Restarts</th></tr></thead><tbody>
${evidence.modules.map((m) => `<tr><td>${esc(m.name)}</td><td>${esc(m.image)}</td><td><code>${esc(m.imageId ?? '')}</code>${m.digests.map((d) => `<br><code>${esc(d)}</code>`).join('')}</td><td>${esc(m.desiredStatus)}</td><td>${esc(m.runtimeStatus)}</td><td>${m.restartCount}</td></tr>`).join('\n')}
</tbody></table>` : '<p class="muted">No modules run.</p>'}
<h2>Routes</h2>
${evidence.routes.length ? `<table><thead><tr><th>Route</th><th>Text</th><th>Priority</th><th>TTL (s)</th></tr></thead><tbody>
${evidence.routes.map((r) => `<tr><td>${esc(r.name)}</td><td><code>${esc(r.text)}</code></td><td>${r.priority}</td><td>${r.ttlSecs}</td></tr>`).join('\n')}
</tbody></table>` : '<p class="muted">No routes.</p>'}
<h2>Deployments at scale (hub metrics)</h2>
${evidence.deployments.length ? `<table><thead><tr><th>Deployment</th><th>Priority</th><th>Target condition</th><th>Metrics</th></tr></thead><tbody>${evidence.deployments.map((d) => `<tr><td>${esc(d.id)}</td><td>${esc(d.priority)}</td><td><code>${esc(d.targetCondition)}</code></td><td><code>${esc(JSON.stringify(d.metrics))}</code></td></tr>`).join('\n')}</tbody></table>` : '<p class="muted">No deployment at scale on the hub.</p>'}
<h2>Telemetry</h2>
${ratesChart(evidence.telemetry.rates)}
${evidence.telemetry.messages.length ? `<table><thead><tr><th>Routed at</th><th>From</th><th>Routes</th><th>Body</th></tr></thead><tbody>${evidence.telemetry.messages.map((m) => `<tr><td>${esc(m.at)}</td><td>${esc(m.from)}</td><td>${esc(m.routes.join(', '))}</td><td><code>${esc(m.body)}</code></td></tr>`).join('\n')}</tbody></table>` : '<p class="muted">No message sample.</p>'}
<h2>Reported properties</h2>
<h3>$edgeAgent</h3><pre>${esc(JSON.stringify(evidence.reported.edgeAgent, null, 2))}</pre>
<h3>$edgeHub</h3><pre>${esc(JSON.stringify(evidence.reported.edgeHub, null, 2))}</pre>
<h2>Manifest</h2>
<pre>${esc(evidence.manifest?.text ?? 'No deployment applied.')}</pre>
<h2>Log excerpts</h2>
${evidence.logs.map((l) => `<h3>${esc(l.module)}</h3><pre>${esc(l.lines.join('\n') || '(no output)')}</pre>`).join('\n')}
</body></html>
`;
}
