// eciesjs's low-level secp256k1 helpers ("eciesjs/utils"). We use them instead of its PrivateKey/PublicKey
// classes because every PublicKey construction costs two extra scalar multiplications (about 10 ms here),
// which would triple the cost of an onion layer. TypeScript's node10 resolution cannot see the "./utils"
// subpath export, so the types are taken from the file the subpath points to.
/* eslint-disable @typescript-eslint/no-require-imports */
type EciesUtils = typeof import("eciesjs/dist/utils/index");

export const eciesUtils = require("eciesjs/utils") as EciesUtils;
