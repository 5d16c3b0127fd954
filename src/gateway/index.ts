export * from "./client.js";
export * from "./config.js";
export * from "./errors.js";
export * from "./nonces.js";
export * from "./request.js";
export * from "./server.js";
