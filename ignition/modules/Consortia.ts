import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import PlatformModule from "./Platform.js";

/** The whole suite: the platform and every application. `npm run deploy` deploys this module. */
export default buildModule("Consortia", (m) => {
  const platform = m.useModule(PlatformModule);
  return { ...platform };
});
