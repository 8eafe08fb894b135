import type deviceSdk from 'azure-iot-device';
import type { HubMessage } from '../../../protocol/device-backend';
import { loadDeviceSdk } from './upstream-sdk';

type Message = deviceSdk.Message;

/**
 * A stored message as azure-iot-device sends it upstream (HUB-CONTRACTS.md §6.3, EDGE-CONTRACTS.md "System
 * properties on the wire"). What the SDK's MQTT transport encodes, and so what survives:
 *
 *   `mid` messageId, `cid` correlationId, `uid` userId, `to`, `ct` contentType, `ce` contentEncoding, `ifid`
 *   interfaceId, `exp` expiryTimeUtc (verbatim): Message fields, written as `$.mid=…` by querystring.stringify;
 *   `on` (output name): `ModuleClient.sendOutputEvent(on, …)`, which writes `$.on`;
 *   application properties: `encodeURIComponent(k)=encodeURIComponent(v)`.
 *
 * The SDK's Message has no field for the other system properties (`ctime` creation time, `schema`, `sub`, …). They
 * travel as properties named `$.<name>`: encodeURIComponent('$.ctime') is `%24.ctime`, byte for byte what
 * querystring.stringify writes for a system property, so the hub decodes them as system properties again.
 * Not forwarded: the connection properties the receiving hub stamps itself (`cdid`, `cmid`, `cdgid`, `cam`) —
 * it sets them from the sending identity, which is why each module's messages go out on that module's client.
 */

/** IoT Hub's device-to-cloud limit (body and properties), as edgeHub's `MaxMessageSize`. */
export const MAX_UPSTREAM_MESSAGE_BYTES = 256 * 1024;

/** Set by the receiving hub from the connection; a client must not (and cannot usefully) send them. */
const HUB_STAMPED = new Set(['cdid', 'cmid', 'cdgid', 'cam', 'enqueuedtime']);

type MessageField = 'messageId' | 'correlationId' | 'userId' | 'to' | 'contentType' | 'contentEncoding' | 'interfaceId' | 'expiryTimeUtc';

const FIELDS: Readonly<Record<string, MessageField>> = {
  mid: 'messageId',
  cid: 'correlationId',
  uid: 'userId',
  to: 'to',
  ct: 'contentType',
  ce: 'contentEncoding',
  ifid: 'interfaceId',
  exp: 'expiryTimeUtc',
};

export interface UpstreamMessage {
  readonly message: Message;
  /** The module output the message came from (`$.on`): sent with sendOutputEvent so the name travels. */
  readonly outputName: string | undefined;
}

export function toUpstreamMessage(hubMessage: HubMessage): UpstreamMessage {
  const message = new (loadDeviceSdk().Message)(Buffer.from(hubMessage.body.buffer, hubMessage.body.byteOffset, hubMessage.body.byteLength));
  const fields = message as unknown as Record<MessageField, string | undefined>;
  let outputName: string | undefined;
  for (const [name, value] of Object.entries(hubMessage.systemProperties)) {
    const field = FIELDS[name];
    if (field) fields[field] = value;
    else if (name === 'on') outputName = value;
    else if (!HUB_STAMPED.has(name)) message.properties.add(`$.${name}`, value);
  }
  for (const [name, value] of Object.entries(hubMessage.properties)) message.properties.add(name, value);
  return { message, outputName };
}

/**
 * Bytes IoT Hub counts against its limit: the body plus every property name and value (UTF-8). A message over the
 * limit is refused by IoT Hub (and by the local hub's front end, which drops the connection), so it is never sent.
 */
export function upstreamSize(hubMessage: HubMessage): number {
  let size = hubMessage.body.byteLength;
  for (const bag of [hubMessage.systemProperties, hubMessage.properties]) {
    for (const [name, value] of Object.entries(bag)) size += Buffer.byteLength(name) + Buffer.byteLength(value);
  }
  return size;
}
