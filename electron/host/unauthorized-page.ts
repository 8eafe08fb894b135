/**
 * What a browser gets instead of a bare 401: how to obtain the console's URL. Static HTML, no script (the CSP
 * allows none inline), styled inline; the reason is plain text chosen by the server, never request text.
 */
export type UnauthorizedReason = 'missing' | 'invalid' | 'malformed';

const REASONS: Readonly<Record<UnauthorizedReason, string>> = {
  missing: 'This page was opened without the console’s access link.',
  invalid: 'The access link is not valid for this console: its token was rotated, or the link belongs to another Gatehouse.',
  malformed: 'The request carried a malformed access cookie.',
};

export function unauthorizedPage(reason: UnauthorizedReason): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gatehouse — access link needed</title></head>
<body style="font-family: system-ui, 'Segoe UI', sans-serif; background: #f5f5f5; color: #242424; margin: 0; padding: 48px 24px;">
<main style="max-width: 640px; margin: 0 auto; background: #fff; border-radius: 8px; padding: 28px 32px; box-shadow: 0 2px 8px rgba(0,0,0,.12);">
<h1 style="font-size: 20px; margin: 0 0 12px;">Gatehouse needs its access link</h1>
<p style="margin: 0 0 16px; line-height: 1.5;">${REASONS[reason]}</p>
<p style="margin: 0 0 8px; line-height: 1.5;">On the machine that runs the console, print the link with:</p>
<pre style="background: #f0f0f0; padding: 10px 12px; border-radius: 4px; overflow-x: auto;">gatehouse token show</pre>
<p style="margin: 8px 0 0; line-height: 1.5;">or use the URL that <code>gatehouse serve</code> printed when it started (it ends in <code>?token=…</code>). Opening it once is enough: this browser then keeps access until the token is rotated with <code>gatehouse token rotate</code>.</p>
</main></body></html>
`;
}
