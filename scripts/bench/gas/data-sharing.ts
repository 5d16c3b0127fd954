import { keccak256, toUtf8Bytes } from "ethers";
import { deployPlatform } from "../../../test/helpers/consortium.js";
import { gasOf, type GasRow, type MeasureGas } from "./types.js";
import { deployUpgradeable } from "../../../test/helpers/upgradeable.js";

const app = "data-sharing";
const h = (text: string): string => keccak256(toUtf8Bytes(text));
const CONTENT_HASH = 0;
const INTERNAL = 1;
const CONFIDENTIAL = 2;
const FIELDS = 0b1111n;

/** Gas of every business step of the data-sharing application (issue 7). */
export const measure: MeasureGas = async (connection) => {
  const { ethers, networkHelpers } = connection;
  const platform = await deployPlatform(connection);
  const data = await deployUpgradeable(ethers, "DataSharing", [platform.registry]);
  const certificates = await deployUpgradeable(ethers, "ECertificates", [platform.registry]);
  await platform.finishBootstrap();
  const { gov1: owner, gov2: consumer, core, supplier1 } = platform.accounts;
  const ids = platform.ids;
  const rows: GasRow[] = [];
  const row = (step: string, gas: bigint, target?: bigint): void => {
    rows.push({ app, step, gas, ...(target === undefined ? {} : { target }) });
  };
  const asOwner = data.connect(owner);
  const asConsumer = data.connect(consumer);
  const expiry = BigInt(await networkHelpers.time.latest()) + 30n * 24n * 3600n;

  row(
    "register dataset (internal)",
    await gasOf(
      await asOwner.registerDataset(
        h("f1"),
        CONTENT_HASH,
        h("m1"),
        INTERNAL,
        FIELDS,
      ),
    ),
  );
  row(
    "register dataset (confidential, sensitive log)",
    await gasOf(
      await asOwner.registerDataset(
        h("f2"),
        CONTENT_HASH,
        h("m2"),
        CONFIDENTIAL,
        FIELDS,
      ),
    ),
  );
  row(
    "publish a new version",
    await gasOf(
      await asOwner.publishVersion(1, h("f1b"), CONTENT_HASH, h("m1b")),
    ),
  );
  row(
    "request access",
    await gasOf(await asConsumer.requestAccess(1, h("purpose"), 0b0011n)),
  );
  row(
    "grant a request",
    await gasOf(await asOwner.grantAccess(1, 0b0011n, expiry, true)),
    110_000n,
  );
  await asConsumer.requestAccess(2, h("purpose"), 0b0011n);
  row(
    "grant a request (confidential, sensitive log)",
    await gasOf(await asOwner.grantAccess(2, 0b0011n, expiry, true)),
    110_000n,
  );
  await asConsumer.requestAccess(1, h("other purpose"), 0b0001n);
  row(
    "refuse a request",
    await gasOf(await asOwner.refuseAccess(3, h("not needed"))),
  );
  row(
    "grant directly (no request)",
    await gasOf(
      await asOwner.grantDirect(
        1,
        ids.core,
        h("purpose"),
        0b0001n,
        expiry,
        false,
      ),
    ),
    110_000n,
  );
  row(
    "set auto-grant policy",
    await gasOf(
      await asOwner.setAutoGrantPolicy(
        1,
        {
          memberKinds: 1 << 4,
          mayDelegate: false,
          duration: 3600,
          requiredRoles: 0n,
          maxScope: 0b0001n,
        },
        [h("policy purpose")],
      ),
    ),
  );
  const asSupplier = data.connect(supplier1);
  await asSupplier.requestAccess(1, h("purpose"), 0b0001n); // enterprise: not in policy, stays requested (id 5)
  await owner.provider; // keep ids readable
  row(
    "request access, auto-granted by policy",
    await gasOf(
      await data
        .connect(platform.accounts.gov2)
        .requestAccess(1, h("policy purpose"), 0b0001n),
    ),
  );
  row(
    "delegate a grant (depth 1)",
    await gasOf(
      await asConsumer.delegateAccess(1, ids.supplier1, 0b0001n, expiry, true),
    ),
  );
  const childId = await data.grantCount();
  row(
    "delegate a grant (depth 2)",
    await gasOf(
      await asSupplier.delegateAccess(
        childId,
        ids.core,
        0b0001n,
        expiry,
        false,
      ),
    ),
  );
  const grandchildId = await data.grantCount();

  row(
    "record access (direct grant)",
    await gasOf(
      await asOwner.recordAccess(
        h("access-1"),
        1,
        1,
        2,
        consumer.address,
        h("result-1"),
      ),
    ),
    60_000n,
  );
  row(
    "record access (direct grant, again)",
    await gasOf(
      await asOwner.recordAccess(
        h("access-2"),
        1,
        1,
        2,
        consumer.address,
        h("result-2"),
      ),
    ),
    60_000n,
  );
  row(
    "record access (grant delegated twice)",
    await gasOf(
      await asOwner.recordAccess(
        h("access-3"),
        grandchildId,
        1,
        2,
        core.address,
        h("result-3"),
      ),
    ),
    60_000n,
  );
  row(
    "revoke a grant",
    await gasOf(await asOwner.revokeAccess(1, h("no longer needed"))),
  );
  row(
    "revoke a grant (confidential, sensitive log)",
    await gasOf(await asOwner.revokeAccess(2, h("leak"))),
  );

  const asAgency = certificates.connect(owner);
  const terms = (doc: string) => ({
    holderHash: h("holder"),
    kind: 11,
    documentHash: h(doc),
    validFrom: 0n,
    validUntil: expiry,
  });
  row(
    "issue an e-certificate",
    await gasOf(await asAgency.issue(terms("licence v1"))),
    undefined,
  );
  row(
    "replace an e-certificate",
    await gasOf(await asAgency.replace(1, terms("licence v2"), h("renewal"))),
  );
  row(
    "revoke an e-certificate",
    await gasOf(await asAgency.revoke(2, h("fraud"))),
  );
  return rows;
};
