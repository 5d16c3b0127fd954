// `npm install`'s preinstall: refuse Node older than 22.13 with one line (Hardhat 3 would fail later, obscurely).
// Plain JavaScript, no dependency: it runs before anything is installed. CONSORTIA_NODE_VERSION fakes the version (tests).
const REQUIRED = [22, 13];
const version = process.env.CONSORTIA_NODE_VERSION || process.versions.node;
const [major, minor] = version.replace(/^v/, "").split(".").map(Number);
if (!(major > REQUIRED[0] || (major === REQUIRED[0] && minor >= REQUIRED[1]))) {
  console.error(`Consortia needs Node ${REQUIRED.join(".")} or newer; this is Node ${version}. Install Node 22 and retry.`);
  process.exit(1);
}
