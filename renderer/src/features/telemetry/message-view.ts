import type { TappedMessage } from '../../../../shared/ipc/edgehub.contract';
import type { Sequenced } from '../../app/live-buffer';
import { messageSource } from './numeric-fields';

/** The inspector's filter: one source (`<module>/<output>` or a device), and text in the body or properties. */
export interface MessageFilter {
  readonly source: string | undefined;
  readonly text: string;
}

const haystacks = new WeakMap<TappedMessage, string>();

function haystack(message: TappedMessage): string {
  let text = haystacks.get(message);
  if (text === undefined) {
    const bag = (record: Record<string, string>) => Object.entries(record).map(([k, v]) => `${k}=${v}`).join('\n');
    text = [messageSource(message), message.deviceId, message.routes.join('\n'), message.endpoints.join('\n'), message.body, bag(message.properties), bag(message.systemProperties)].join('\n').toLowerCase();
    haystacks.set(message, text);
  }
  return text;
}

export function filterMessages(items: readonly Sequenced<TappedMessage>[], filter: MessageFilter): readonly Sequenced<TappedMessage>[] {
  const text = filter.text.trim().toLowerCase();
  if (filter.source === undefined && text === '') return items;
  return items.filter((item) => (filter.source === undefined || messageSource(item.value) === filter.source) && (text === '' || haystack(item.value).includes(text)));
}

/** Sources seen in the messages kept, sorted: the filter's choices. */
export function messageSources(items: readonly Sequenced<TappedMessage>[]): string[] {
  return [...new Set(items.map((item) => messageSource(item.value)))].sort();
}

/** The body as shown: JSON pretty-printed when it parses, else the text (base64 as it came). */
export function prettyBody(message: Pick<TappedMessage, 'body' | 'bodyEncoding'>): { text: string; kind: 'json' | 'text' | 'base64' } {
  if (message.bodyEncoding === 'base64') return { text: message.body, kind: 'base64' };
  const trimmed = message.body.trimStart();
  if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
    try {
      return { text: JSON.stringify(JSON.parse(message.body), null, 2), kind: 'json' };
    } catch {
      // not JSON after all
    }
  }
  return { text: message.body, kind: 'text' };
}

/** What Copy puts on the clipboard: the message as the hub tapped it, a JSON body as JSON rather than a string. */
export function messageAsJson(message: TappedMessage): string {
  const body = prettyBody(message);
  const { body: raw, ...rest } = message;
  return JSON.stringify({ ...rest, body: body.kind === 'json' ? (JSON.parse(raw) as unknown) : raw }, null, 2);
}

/**
 * Which field series a chart draws: what the user toggled, else the first `autoCount` fields seen (so a sensor's
 * temperature shows without a click, and a body with 30 numbers does not draw 30 lines).
 */
export function shownFields(keys: readonly string[], toggled: Readonly<Record<string, boolean>>, autoCount = 4): string[] {
  return keys.filter((key, index) => toggled[key] ?? index < autoCount);
}
