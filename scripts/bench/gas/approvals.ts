import { yearWorkingDays, workingDaysBitmap } from "@consortia/sdk";
import {
  APPLICANT_REF,
  DOCUMENTS,
  definition,
  deployApprovals,
  h,
  MONDAY,
  nineAm,
} from "../../../test/approvals/fixture.js";
import { passProposal } from "../../../test/helpers/consortium.js";
import { gasOf, type GasRow, type MeasureGas } from "./types.js";

/**
 * Every step of a cross-department approval (calendar vote, process vote, officers, submission, the departments'
 * steps, documents asked for and supplied, delegation, the last approval that issues the e-certificate, rejection,
 * withdrawal). Votes are measured as the proposal's `execute`, the transaction that runs the call.
 */
export const measure: MeasureGas = async (connection) => {
  const { networkHelpers } = connection;
  const f = await deployApprovals(connection);
  const { app, calendar, officers, applicant, ids, platform } = f;
  const rows: GasRow[] = [];
  const row = (step: string, gas: bigint) => rows.push({ app: "approvals", step, gas });

  const { firstDays, lastDays } = workingDaysBitmap(2027, yearWorkingDays(2027, ["2027-02-11", "2027-02-12"]));
  row(
    "vote a year's working days (execute)",
    await gasOf(
      await passProposal(
        platform,
        calendar,
        calendar.interface.encodeFunctionData("setWorkingDays", [2027, firstDays, lastDays]),
      ),
    ),
  );
  row(
    "vote a three-step process (execute)",
    await gasOf(await passProposal(platform, app, app.interface.encodeFunctionData("defineProcess", [definition(f)]))),
  );
  row("grant an officer", await gasOf(await app.connect(f.admins.gov1).setOfficer(f.clerk, true)));

  const submit = () => app.connect(applicant).submit(f.processId, APPLICANT_REF, DOCUMENTS);
  row("submit a case (two parallel steps open)", await gasOf(await submit()));
  const gov1 = app.connect(officers.gov1);
  const gov2 = app.connect(officers.gov2);
  const gov3 = app.connect(officers.gov3);
  row("accept a step", await gasOf(await gov1.accept(1n, 0)));
  row("request documents (clock pauses)", await gasOf(await gov1.requestDocuments(1n, 0, h("request"))));
  await networkHelpers.time.increaseTo(nineAm(MONDAY + 2));
  row(
    "supply documents (clock resumes)",
    await gasOf(await app.connect(applicant).supplyDocuments(1n, 0, [{ kind: h("lease"), contentHash: h("l") }])),
  );
  row("approve a step (stage still open)", await gasOf(await gov1.approve(1n, 0, h("decision 0"))));
  await gov2.accept(1n, 1);
  row("approve the stage's last step (next stage opens)", await gasOf(await gov2.approve(1n, 1, h("decision 1"))));
  row("delegate a step to another department", await gasOf(await gov3.delegate(1n, 2, ids.gov2, h("handover"))));
  await gov2.accept(1n, 2);
  row("approve the last step (e-certificate issued)", await gasOf(await gov2.approve(1n, 2, h("decision 2"))));

  await submit();
  row("reject a step with reasons (case ends)", await gasOf(await gov2.reject(2n, 1, h("reasons"))));
  await submit();
  row("withdraw a case", await gasOf(await app.connect(applicant).withdraw(3n)));
  return rows;
};
