/** Tests start real node processes with the same code `npm start` uses. */
export { freePort, rpc, startNode, type NodeProcess } from "../../src/local/node.js";
