import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer, type TLSSocket } from 'node:tls';
import type { createWebSocketStream, WebSocketServer } from 'ws';
import type { IotHubMqttFrontEnd } from './mqtt-front-end';

/** Where the front end takes connections from: MQTT over TLS (8883) and MQTT over WebSocket (443). */

export interface MqttTlsListenOptions {
  readonly frontEnd: IotHubMqttFrontEnd;
  readonly host: string;
  /** 0 for any free port. */
  readonly port: number;
  /** Server certificate (chain) and key, PEM. */
  readonly cert: string;
  readonly key: string;
  /** CA names sent in the certificate request; client certificates are checked by the front end, not by TLS. */
  readonly ca?: string | readonly string[];
  /** Ask for a client certificate (X.509 devices); the handshake still succeeds without one (SAS devices). */
  readonly requestCert: boolean;
  readonly log?: (line: string) => void;
}

export interface MqttTlsListener {
  readonly port: number;
  close(): Promise<void>;
}

/** A TLS server whose every connection goes to `frontEnd.handle` with its peer certificate. */
export async function listenMqttTls(options: MqttTlsListenOptions): Promise<MqttTlsListener> {
  const sockets = new Set<TLSSocket>();
  const server = createServer(
    {
      cert: options.cert,
      key: options.key,
      ...(options.ca === undefined ? {} : { ca: typeof options.ca === 'string' ? options.ca : [...options.ca] }),
      requestCert: options.requestCert,
      // Self-signed device certificates never chain; the front end verifies what was presented.
      rejectUnauthorized: false,
    },
    (socket) => {
      // MQTT is small request/answer packets (PUBLISH → PUBACK): Nagle's algorithm would hold each answer back for the
      // next segment (measured by bench:hub: p50 48 ms → 5.5 ms, upstream drain 21 → 1,374 msg/s with it off).
      socket.setNoDelay(true);
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      options.frontEnd.handle(socket, { peerCertificate: socket.getPeerCertificate(true) });
    },
  );
  server.on('tlsClientError', (error) => options.log?.(`mqtt tls: handshake failed: ${error.message}`));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface MqttWebSocketAttachment {
  close(): void;
}

/**
 * Takes WebSocket upgrades on `path` of an HTTPS server (azure-iot-device-mqtt's `MqttWs` dials
 * `wss://<host>:443/$iothub/websocket` and asks for the `mqtt` subprotocol) and leaves every other upgrade to the
 * server's other listeners.
 */
export function attachMqttWebSocket(httpsServer: HttpsServer, frontEnd: IotHubMqttFrontEnd, path = '/$iothub/websocket'): MqttWebSocketAttachment {
  // ws is imported on the first upgrade, not when the CLI loads this module (the client waits for the 101 meanwhile).
  let ws: { readonly server: WebSocketServer; readonly createWebSocketStream: typeof createWebSocketStream } | undefined;
  let loading: Promise<NonNullable<typeof ws>> | undefined;
  let closed = false;
  const load = () =>
    (loading ??= import('ws').then((module) => {
      ws = {
        server: new module.WebSocketServer({
          noServer: true,
          handleProtocols: (protocols) => (protocols.has('mqtt') ? 'mqtt' : protocols.has('mqttv3.1') ? 'mqttv3.1' : false),
        }),
        createWebSocketStream: module.createWebSocketStream,
      };
      return ws;
    }));
  const onUpgrade = (request: import('node:http').IncomingMessage, socket: Duplex, head: Buffer) => {
    if (pathOf(request.url) !== path) return;
    load().then(
      ({ server, createWebSocketStream: streamOf }) => {
        if (closed) return void socket.destroy();
        server.handleUpgrade(request, socket, head, (client) => {
          const stream = streamOf(client);
          const tls = request.socket as TLSSocket;
          frontEnd.handle(stream, typeof tls.getPeerCertificate === 'function' ? { peerCertificate: tls.getPeerCertificate(true) } : {});
        });
      },
      () => socket.destroy(),
    );
  };
  httpsServer.on('upgrade', onUpgrade);
  return {
    close: () => {
      closed = true;
      httpsServer.off('upgrade', onUpgrade);
      if (!ws) return;
      for (const client of ws.server.clients) client.terminate();
      ws.server.close();
    },
  };
}

function pathOf(url: string | undefined): string {
  try {
    return new URL(url ?? '/', 'http://localhost').pathname;
  } catch {
    return '';
  }
}
