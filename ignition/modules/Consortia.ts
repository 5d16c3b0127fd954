import { buildModule } from "@nomicfoundation/hardhat-ignition/modules";
import CreditModule from "./Credit.js";
import PlatformModule from "./Platform.js";

/** The whole suite: the platform and every application. `npm run deploy` deploys this module. */
export default buildModule("Consortia", (m) => {
  const platform = m.useModule(PlatformModule);
  const { blacklist } = m.useModule(CreditModule);
  return { ...platform, blacklist };
});
