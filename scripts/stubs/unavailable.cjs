// Stand-in for modules that dockerode loads eagerly but Gatehouse never uses: ssh:// Docker engines (ssh2) and
// BuildKit sessions (@grpc/*). Leaving them out of the bundles keeps the idle runtime ~10 MB smaller. Using them
// fails with this message instead of working silently differently.
'use strict';
function unavailable() {
  throw new Error('Not available in Gatehouse builds: ssh:// Docker engines and BuildKit sessions are not supported.');
}
class Client {
  constructor() {
    unavailable();
  }
}
module.exports = new Proxy({ Client }, { get: (target, key) => (key in target ? target[key] : key === '__esModule' ? false : unavailable) });
