// Test scaffolding preloaded with `node --require` (not module code; the module and its SDK stay unmodified): the
// first timer of 10 minutes or more (the SDK's SAS token renewal, 45 minutes after the token is made) fires
// FAST_CLOCK_FACTOR times sooner (default 900: 3 s), and says so on stdout as {"event":"clock"}. Later long timers
// keep their time, so the module renews once.
'use strict';

const realSetTimeout = global.setTimeout;
const factor = Number(process.env.FAST_CLOCK_FACTOR || 900);
let used = false;

global.setTimeout = function (callback, ms, ...args) {
  if (!used && typeof callback === 'function' && typeof ms === 'number' && ms >= 600000) {
    used = true;
    const fired = function (...callArgs) {
      process.stdout.write(JSON.stringify({ event: 'clock', ms: ms }) + '\n');
      return callback.apply(this, callArgs);
    };
    return realSetTimeout.call(this, fired, Math.round(ms / factor), ...args);
  }
  return realSetTimeout.call(this, callback, ms, ...args);
};
