import type { Verdict } from './check-model';
import { defineCheck, listWords, notGathered, verdict, type SubjectVerdict } from './check-def';
import { partsOf } from './checks-configuration';

const DAY_MS = 24 * 3600 * 1000;

export const hubResolves = defineCheck({
  id: 'connectivity.dns',
  title: "The hub's name resolves",
  group: 'connectivity',
  facts: ['hub'],
  verdict: (f) => {
    if (!f.hub.available) return verdict('error', `No hub to check: ${f.hub.reason}`, 'Connect a hub in Settings › Hubs (the embedded local hub is the default).');
    if (!f.hub.dns.ok) return verdict('error', `${f.hub.host} does not resolve: ${f.hub.dns.error}`, 'Check the DNS server of this network (or /etc/hosts), and the hub name in the connection string.');
    return verdict('ok', `${f.hub.host} resolves to ${listWords([...f.hub.dns.addresses])}.`, undefined, { host: f.hub.host, addresses: f.hub.dns.addresses });
  },
});

export const hubPorts = defineCheck({
  id: 'connectivity.port',
  title: 'TCP and TLS to the hub',
  group: 'connectivity',
  dependsOn: ['connectivity.dns'],
  facts: ['hub'],
  verdict: (f): readonly SubjectVerdict[] | Verdict => {
    if (!f.hub.available) return notGathered('the hub', f.hub);
    return f.hub.endpoints.map((e): SubjectVerdict => {
      const title = `${e.purpose} reachable`;
      const subject = String(e.port);
      const where = `${e.host}:${e.port}`;
      if (!e.tcp.ok) {
        return {
          subject,
          title,
          status: 'error',
          detail: `TCP to ${where} fails: ${e.tcp.error}`,
          fix: `Open outbound TCP ${e.port} to ${e.host} on the site's firewall or proxy${e.port === 8883 || e.port === 5671 ? ', or use the protocol over WebSocket on 443 (UpstreamProtocol MqttWs/AmqpWs)' : ''}.`,
        };
      }
      if (!e.tls) return { subject, title, status: 'ok', detail: `TCP to ${where} in ${e.tcp.ms} ms.`, data: { tcpMs: e.tcp.ms } };
      if (!e.tls.ok) {
        return {
          subject,
          title,
          status: 'error',
          detail: `TLS to ${where} fails${e.tls.untrusted ? ' (certificate not trusted)' : ''}: ${e.tls.error}`,
          fix: e.tls.untrusted
            ? "The hub's certificate chain is not trusted: a TLS-inspecting proxy in the way, or the root CA missing from this machine's trust store."
            : 'Something answers on the port but does not speak TLS: a proxy or a captive portal in the way.',
        };
      }
      return { subject, title, status: 'ok', detail: `TCP in ${e.tcp.ms} ms, TLS in ${e.tls.ms} ms; certificate ${e.tls.subject}, issued by ${e.tls.issuer}.`, data: { tcpMs: e.tcp.ms, tlsMs: e.tls.ms } };
    });
  },
});

export const deviceIdentity = defineCheck({
  id: 'identity.device',
  title: 'The device exists, is edge-enabled and enabled',
  group: 'connectivity',
  dependsOn: ['connectivity.dns'],
  facts: ['device'],
  verdict: (f) => {
    if (!f.device.available) return notGathered('the device identity', f.device);
    const d = f.device;
    if (!d.exists) return verdict('error', `Device ${d.deviceId} does not exist in the hub.`, 'Create it as an IoT Edge device (Fleet › New device, edge enabled), or point the runtime at the right device id.');
    if (!d.edgeEnabled) return verdict('error', `Device ${d.deviceId} is not an IoT Edge device (capabilities.iotEdge is false): the hub refuses module identities and deployments for it.`, 'Create the device as an IoT Edge device (it cannot be changed afterwards in IoT Hub).');
    if (d.status !== 'enabled') return verdict('error', `Device ${d.deviceId} is ${d.status}: the hub refuses its connections.`, 'Enable it (Fleet › the device › Enable, or `az iot hub device-identity update --status enabled`).');
    return verdict('ok', `Device ${d.deviceId}: IoT Edge, enabled, ${d.authType} authentication.`);
  },
});

export const deviceKey = defineCheck({
  id: 'identity.key',
  title: "The device's key works",
  group: 'connectivity',
  dependsOn: ['identity.device'],
  facts: ['device'],
  verdict: (f) => {
    if (!f.device.available) return notGathered('the device identity', f.device);
    const d = f.device;
    const refusedUpstream = d.upstream?.state === 'offline' && /unauthori[sz]ed|not authori[sz]ed|401|bad user ?name or password|refused/i.test(d.upstream.error ?? '');
    if (d.keyMatches === false || refusedUpstream) {
      return verdict(
        'error',
        `The hub refuses the key this runtime holds for ${d.deviceId}${refusedUpstream ? `: ${d.upstream?.error ?? ''}` : ' (it is neither its primary nor its secondary key)'}.`,
        "Give the runtime the device's current connection string (the keys were regenerated, or the device was deleted and created again).",
      );
    }
    if (d.upstream?.state === 'connected') return verdict('ok', `The runtime is connected to the hub as ${d.deviceId} with its key.`);
    if (d.keyMatches === true) return verdict('ok', `The runtime's key is one of ${d.deviceId}'s keys in the hub.`);
    return verdict('skipped', `Not known here: the runtime has not connected as ${d.deviceId}${d.upstream?.error ? ` (${d.upstream.error})` : ''}.`);
  },
});

export const certificatesValid = defineCheck({
  id: 'identity.certificates',
  title: 'Certificates valid for 30 days',
  group: 'connectivity',
  facts: ['certificates', 'now'],
  verdict: (f) => {
    if (!f.certificates.available) return notGathered('the certificates', f.certificates);
    const now = Date.parse(f.now);
    const dated = f.certificates.certificates.map((c) => ({ ...c, daysLeft: Math.floor((Date.parse(c.validTo) - now) / DAY_MS) }));
    const expired = dated.filter((c) => c.daysLeft < 0);
    const soon = dated.filter((c) => c.daysLeft >= 0 && c.daysLeft < 30);
    const data = { certificates: dated.map((c) => ({ name: c.name, validTo: c.validTo, daysLeft: c.daysLeft })) };
    if (expired.length > 0) return verdict('error', `Expired: ${listWords(expired.map((c) => `${c.name} (${c.validTo})`))}.`, 'Renew the certificate (the edge CA: Settings › Runtime › Renew, or a new one from your PKI) and restart the runtime.', data);
    if (soon.length > 0) return verdict('error', `Expires within 30 days: ${listWords(soon.map((c) => `${c.name} in ${c.daysLeft} days (${c.validTo})`))}.`, 'Renew it before you leave the site: an expired certificate stops every module connection.', data);
    if (dated.length === 0) return verdict('skipped', 'No certificate to look at.');
    return verdict('ok', listWords(dated.map((c) => `${c.name} valid for ${c.daysLeft} days`)) + '.', undefined, data);
  },
});

export const moduleIdentities = defineCheck({
  id: 'identity.modules',
  title: 'A module identity for each module',
  group: 'connectivity',
  dependsOn: ['identity.device', 'config.deployment'],
  facts: ['moduleIdentities', 'deployment'],
  verdict: (f) => {
    if (!f.moduleIdentities.available) return notGathered('the module identities', f.moduleIdentities);
    const parts = partsOf(f);
    if (!parts) return verdict('skipped', 'No deployment to compare with.');
    const have = new Set(f.moduleIdentities.modules);
    const missing = parts.modules.map((m) => m.name).filter((m) => !have.has(m));
    if (missing.length > 0) return verdict('error', `No module identity in the hub for ${listWords(missing)}: those modules cannot connect.`, 'Apply the deployment again while connected: the runtime creates the identities as edgeAgent does.', { missing });
    return verdict('ok', parts.modules.length === 0 ? 'No custom modules.' : `All ${parts.modules.length} modules have an identity in the hub.`);
  },
});

export const CONNECTIVITY_CHECKS = [hubResolves, hubPorts, deviceIdentity, deviceKey, certificatesValid, moduleIdentities];
